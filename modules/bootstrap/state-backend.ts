import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Construct } from "constructs";
import { dataLifecycle, type StackContext } from "../../constructs/context";
import { KmsKey } from "../../constructs/kms-key";
import { SecureBucket } from "../../constructs/secure-bucket";

export interface StateBackendProps {
  /** The bootstrap's context (production: true, so nothing here can be destroyed by a plan). */
  readonly context: StackContext;
  /** Days a replaced or deleted state version is kept. */
  readonly noncurrentVersionDays: number;
  /** Also a DynamoDB lock table. @default false */
  readonly dynamodbLockTable?: boolean;
}

/**
 * Where every environment's Terraform state lives: a versioned bucket, SSE-KMS with its own key, TLS
 * only, public access blocked, old versions expired, protected from destruction; locking with S3's native
 * lock files, or a DynamoDB table for teams that still use one.
 */
export class StateBackend extends Construct {
  readonly bucket: SecureBucket;
  readonly key: KmsKey;
  readonly lockTable?: DynamodbTable;
  /** The lock table's name, as environment files name it. */
  readonly lockTableName?: string;

  constructor(scope: Construct, id: string, props: StateBackendProps) {
    super(scope, id);
    const ctx = props.context;
    this.key = new KmsKey(this, "key", {
      context: ctx,
      purpose: "tfstate",
      description: `Terraform state of every ${ctx.naming.project} environment`,
    });
    this.bucket = new SecureBucket(this, "bucket", {
      context: ctx,
      purpose: "tfstate",
      encryption: { kmsKeyArn: this.key.arn },
      noncurrentVersionDays: props.noncurrentVersionDays,
    });
    if (props.dynamodbLockTable) {
      this.lockTableName = ctx.naming.name("generic", "tflock");
      this.lockTable = new DynamodbTable(this, "lock-table", {
        name: this.lockTableName,
        billingMode: "PAY_PER_REQUEST",
        hashKey: "LockID",
        attribute: [{ name: "LockID", type: "S" }],
        serverSideEncryption: { enabled: true, kmsKeyArn: this.key.arn },
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        lifecycle: dataLifecycle(ctx),
      });
    }
  }
}
