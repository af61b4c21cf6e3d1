CREATE TABLE "offboarding_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"tenant_ref" uuid NOT NULL,
	"employee_id" uuid,
	"person" jsonb NOT NULL,
	"plan" jsonb NOT NULL,
	"preview" jsonb,
	"state" text NOT NULL,
	"when" jsonb NOT NULL,
	"scheduled_at" timestamp with time zone,
	"job_id" text,
	"bulk_id" uuid,
	"requested_by" uuid,
	"requested_by_name" text NOT NULL,
	"approved_by" uuid,
	"approved_by_name" text,
	"decided_at" timestamp with time zone,
	"rejection_reason" text,
	"snapshot" jsonb,
	"password" jsonb,
	"cancel_requested_at" timestamp with time zone,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"undone_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offboarding_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"require_approval" boolean DEFAULT true NOT NULL,
	"allow_approve_own" boolean DEFAULT false NOT NULL,
	"propose_from_leave_date" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "offboarding_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"run_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"phase" text NOT NULL,
	"task" text NOT NULL,
	"options" jsonb NOT NULL,
	"after" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"attempt_started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"request_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"result" jsonb,
	"undo_data" jsonb,
	"error" text,
	"skipped_reason" text
);
--> statement-breakpoint
CREATE TABLE "offboarding_templates" (
	"tenant_ref" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"steps" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"key" text NOT NULL,
	"recipient_object_id" uuid,
	"recipient_address" text,
	"recipient_name" text,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "offboarding_runs" ADD CONSTRAINT "offboarding_runs_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_runs" ADD CONSTRAINT "offboarding_runs_tenant_ref_tenants_id_fk" FOREIGN KEY ("tenant_ref") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_runs" ADD CONSTRAINT "offboarding_runs_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_runs" ADD CONSTRAINT "offboarding_runs_requested_by_members_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_runs" ADD CONSTRAINT "offboarding_runs_approved_by_members_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_settings" ADD CONSTRAINT "offboarding_settings_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_steps" ADD CONSTRAINT "offboarding_steps_run_id_offboarding_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."offboarding_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_templates" ADD CONSTRAINT "offboarding_templates_tenant_ref_tenants_id_fk" FOREIGN KEY ("tenant_ref") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "offboarding_templates" ADD CONSTRAINT "offboarding_templates_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "offboarding_runs_org_created_idx" ON "offboarding_runs" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "offboarding_runs_org_state_idx" ON "offboarding_runs" USING btree ("org_id","state");--> statement-breakpoint
CREATE INDEX "offboarding_runs_employee_idx" ON "offboarding_runs" USING btree ("employee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "offboarding_runs_one_active_key" ON "offboarding_runs" USING btree ("employee_id") WHERE state IN ('awaiting_approval', 'scheduled', 'running', 'undoing');--> statement-breakpoint
CREATE UNIQUE INDEX "offboarding_steps_run_seq_key" ON "offboarding_steps" USING btree ("run_id","phase","seq");--> statement-breakpoint
CREATE INDEX "offboarding_steps_run_idx" ON "offboarding_steps" USING btree ("run_id");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_org_key" ON "notifications" USING btree ("org_id","key");--> statement-breakpoint
CREATE INDEX "notifications_undelivered_idx" ON "notifications" USING btree ("org_id","delivered_at");