CREATE TABLE "bot_conversations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"conversation_id" text NOT NULL,
	"kind" text NOT NULL,
	"tenant_id" text,
	"user_object_id" text,
	"org_id" uuid,
	"reference" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bot_run_cards" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"org_id" uuid NOT NULL,
	"conversation_id" text NOT NULL,
	"activity_id" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bot_conversations" ADD CONSTRAINT "bot_conversations_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bot_run_cards" ADD CONSTRAINT "bot_run_cards_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bot_conversations_conversation_key" ON "bot_conversations" USING btree ("conversation_id");--> statement-breakpoint
CREATE INDEX "bot_conversations_user_idx" ON "bot_conversations" USING btree ("tenant_id","user_object_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bot_run_cards_key" ON "bot_run_cards" USING btree ("run_id","conversation_id","kind");--> statement-breakpoint
CREATE INDEX "bot_run_cards_run_idx" ON "bot_run_cards" USING btree ("run_id");