import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { Construct } from "constructs";
import { dataLifecycle, type StackContext } from "./context";

export interface ImageRepositoriesProps {
  readonly context: StackContext;
  /** Repository name prefix, e.g. `fws-dev/site`. */
  readonly prefix: string;
  /** One repository per name, e.g. ["web", "app"]. */
  readonly names: string[];
  /** Customer-managed key the images are encrypted with. */
  readonly kmsKeyArn: string;
  /** Images kept per repository; older ones expire. */
  readonly keepImages: number;
}

export interface ImageRepository {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
}

/** ECR repositories: immutable tags, scan on push, KMS encryption, a lifecycle keeping the last N images. */
export class ImageRepositories extends Construct {
  readonly repositories: Record<string, ImageRepository> = {};

  constructor(scope: Construct, id: string, props: ImageRepositoriesProps) {
    super(scope, id);
    const ctx = props.context;
    for (const name of props.names) {
      const repo = new EcrRepository(this, name, {
        name: `${props.prefix}/${name}`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: [{ encryptionType: "KMS", kmsKey: props.kmsKeyArn }],
        // Outside production a teardown may delete pushed images; in production nothing is lost.
        forceDelete: !ctx.production,
        lifecycle: dataLifecycle(ctx),
      });
      new EcrLifecyclePolicy(this, `${name}-lifecycle`, {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            {
              rulePriority: 1,
              description: "Untagged images (failed or superseded pushes) go after a day",
              selection: {
                tagStatus: "untagged",
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: 1,
              },
              action: { type: "expire" },
            },
            {
              rulePriority: 2,
              description: `Keep the last ${props.keepImages} images`,
              selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: props.keepImages },
              action: { type: "expire" },
            },
          ],
        }),
      });
      this.repositories[name] = { name: repo.name, arn: repo.arn, url: repo.repositoryUrl };
    }
  }
}
