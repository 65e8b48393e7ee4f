import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Construct } from "constructs";
import type { StackContext } from "../../constructs/context";

export interface ServiceClusterProps {
  readonly context: StackContext;
  /** Cluster name. */
  readonly name: string;
  /** ECS Exec sessions: encrypted with this key and logged to this group. @default no exec configuration */
  readonly exec?: { readonly kmsKeyArn: string; readonly logGroupName: string };
}

/** An ECS cluster with Container Insights (enhanced) and the FARGATE and FARGATE_SPOT capacity providers. */
export class ServiceCluster extends Construct {
  readonly cluster: EcsCluster;
  readonly name: string;
  readonly capacityProviders: EcsClusterCapacityProviders;

  constructor(scope: Construct, id: string, props: ServiceClusterProps) {
    super(scope, id);
    this.cluster = new EcsCluster(this, "cluster", {
      name: props.name,
      setting: [{ name: "containerInsights", value: "enhanced" }],
      configuration: props.exec
        ? {
            executeCommandConfiguration: {
              kmsKeyId: props.exec.kmsKeyArn,
              logging: "OVERRIDE",
              logConfiguration: {
                cloudWatchLogGroupName: props.exec.logGroupName,
                cloudWatchEncryptionEnabled: true,
              },
            },
          }
        : undefined,
    });
    // The attribute, not props.name: whatever names the cluster then depends on it.
    this.name = this.cluster.name;
    this.capacityProviders = new EcsClusterCapacityProviders(this, "capacity-providers", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
    });
  }
}
