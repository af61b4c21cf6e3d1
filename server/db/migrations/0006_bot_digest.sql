ALTER TABLE "bot_conversations" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "bot_conversations" ADD COLUMN "digest" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "bot_conversations" ADD COLUMN "digest_sent_on" date;