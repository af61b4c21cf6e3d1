CREATE TABLE "consent_attempts" (
	"state" text PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "employees" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"tenant_ref" uuid NOT NULL,
	"object_id" uuid NOT NULL,
	"user_principal_name" text NOT NULL,
	"mail" text,
	"display_name" text NOT NULL,
	"given_name" text,
	"surname" text,
	"department" text,
	"job_title" text,
	"manager_object_id" uuid,
	"leave_date" timestamp with time zone,
	"account_enabled" boolean NOT NULL,
	"on_premises_synced" boolean DEFAULT false NOT NULL,
	"licences" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"devices_count" integer DEFAULT 0 NOT NULL,
	"removed_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"display_name" text NOT NULL,
	"default_domain" text NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'connected' NOT NULL,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"connected_by" uuid,
	"disconnected_at" timestamp with time zone,
	"credentials" jsonb NOT NULL,
	"granted_permissions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"scope_kind" text DEFAULT 'all' NOT NULL,
	"scope_group_id" uuid,
	"scope_group_name" text,
	"users_delta_link" text,
	"group_delta_link" text,
	"sync_state" text DEFAULT 'never' NOT NULL,
	"sync_full" boolean DEFAULT true NOT NULL,
	"sync_started_at" timestamp with time zone,
	"sync_finished_at" timestamp with time zone,
	"sync_processed" integer DEFAULT 0 NOT NULL,
	"sync_total" integer,
	"sync_result" jsonb,
	"sync_error" text
);
--> statement-breakpoint
ALTER TABLE "consent_attempts" ADD CONSTRAINT "consent_attempts_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consent_attempts" ADD CONSTRAINT "consent_attempts_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employees" ADD CONSTRAINT "employees_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employees" ADD CONSTRAINT "employees_tenant_ref_tenants_id_fk" FOREIGN KEY ("tenant_ref") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_org_id_organisations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_connected_by_members_id_fk" FOREIGN KEY ("connected_by") REFERENCES "public"."members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "employees_tenant_object_key" ON "employees" USING btree ("tenant_ref","object_id");--> statement-breakpoint
CREATE INDEX "employees_org_idx" ON "employees" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "employees_org_leave_idx" ON "employees" USING btree ("org_id","leave_date");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_org_tenant_key" ON "tenants" USING btree ("org_id","tenant_id");