CREATE TABLE "asset_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"employee_id" uuid,
	"what" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" uuid,
	"requested_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by_name" text,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "hardware" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"source" text NOT NULL,
	"tenant_ref" uuid,
	"intune_device_id" text,
	"intune_user_object_id" uuid,
	"intune_gone_at" timestamp with time zone,
	"name" text,
	"asset_tag" text,
	"serial" text,
	"model" text NOT NULL,
	"manufacturer" text,
	"location" text,
	"status" text NOT NULL,
	"assigned_to" uuid,
	"assigned_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "hardware_returns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"hardware_id" uuid NOT NULL,
	"employee_id" uuid,
	"condition" text NOT NULL,
	"next_status" text NOT NULL,
	"note" text,
	"recorded_by" uuid,
	"recorded_by_name" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_preferences" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"window_days" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "seats" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"source" text NOT NULL,
	"tenant_ref" uuid,
	"sync_key" text,
	"product" text NOT NULL,
	"vendor" text NOT NULL,
	"holder_id" uuid,
	"status" text NOT NULL,
	"assigned_since" timestamp with time zone,
	"cost_cents" integer,
	"currency" text DEFAULT 'USD' NOT NULL,
	"revoke_run_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "org_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "hire_date" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "status" text DEFAULT 'active' NOT NULL;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "offboarded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "employees" ADD COLUMN "offboarded_by" text;--> statement-breakpoint
ALTER TABLE "asset_requests" ADD CONSTRAINT "asset_requests_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_requests" ADD CONSTRAINT "asset_requests_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "asset_requests" ADD CONSTRAINT "asset_requests_requested_by_members_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware" ADD CONSTRAINT "hardware_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware" ADD CONSTRAINT "hardware_tenant_ref_tenants_id_fk" FOREIGN KEY ("tenant_ref") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware" ADD CONSTRAINT "hardware_assigned_to_employees_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."employees"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware_returns" ADD CONSTRAINT "hardware_returns_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware_returns" ADD CONSTRAINT "hardware_returns_hardware_id_hardware_id_fk" FOREIGN KEY ("hardware_id") REFERENCES "public"."hardware"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware_returns" ADD CONSTRAINT "hardware_returns_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "hardware_returns" ADD CONSTRAINT "hardware_returns_recorded_by_members_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_preferences" ADD CONSTRAINT "queue_preferences_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_tenant_ref_tenants_id_fk" FOREIGN KEY ("tenant_ref") REFERENCES "public"."tenants"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_holder_id_employees_id_fk" FOREIGN KEY ("holder_id") REFERENCES "public"."employees"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_events" ADD CONSTRAINT "org_events_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "asset_requests_employee_idx" ON "asset_requests" USING btree ("employee_id","status");--> statement-breakpoint
CREATE INDEX "asset_requests_org_idx" ON "asset_requests" USING btree ("org_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "hardware_org_intune_key" ON "hardware" USING btree ("org_id","intune_device_id") WHERE intune_device_id IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "hardware_org_tag_key" ON "hardware" USING btree ("org_id",lower(asset_tag)) WHERE asset_tag IS NOT NULL;--> statement-breakpoint
CREATE INDEX "hardware_assigned_idx" ON "hardware" USING btree ("assigned_to");--> statement-breakpoint
CREATE INDEX "hardware_org_idx" ON "hardware" USING btree ("org_id","status");--> statement-breakpoint
CREATE INDEX "hardware_returns_hardware_idx" ON "hardware_returns" USING btree ("hardware_id");--> statement-breakpoint
CREATE INDEX "hardware_returns_employee_idx" ON "hardware_returns" USING btree ("employee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "seats_org_sync_key" ON "seats" USING btree ("org_id","sync_key") WHERE sync_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX "seats_holder_idx" ON "seats" USING btree ("holder_id");--> statement-breakpoint
CREATE INDEX "seats_org_idx" ON "seats" USING btree ("org_id","status");--> statement-breakpoint
CREATE INDEX "org_events_org_idx" ON "org_events" USING btree ("org_id","occurred_at");--> statement-breakpoint
CREATE INDEX "employees_org_offboarded_idx" ON "employees" USING btree ("org_id") WHERE status = 'offboarded';