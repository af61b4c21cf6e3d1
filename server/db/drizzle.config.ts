import { defineConfig } from 'drizzle-kit';

/** `npm run db:generate` turns changes in the feature schemas into a new SQL migration. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema.ts',
  out: './server/db/migrations',
});
