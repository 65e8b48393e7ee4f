import { Wafv2WebAclAssociation } from "@cdktf/provider-aws/lib/wafv2-web-acl-association";
import { Construct } from "constructs";
import type { WebAcl } from "./web-acl";

export interface WebAclAssociationProps {
  /** A REGIONAL web ACL (a distribution takes a CLOUDFRONT one in its own `web_acl_id` instead). */
  readonly webAcl: WebAcl;
  /** ARN of the load balancer the ACL protects. */
  readonly resourceArn: string;
}

/** Puts a REGIONAL web ACL in front of a load balancer. */
export class WebAclAssociation extends Construct {
  readonly association: Wafv2WebAclAssociation;

  constructor(scope: Construct, id: string, props: WebAclAssociationProps) {
    super(scope, id);
    if (props.webAcl.scope !== "REGIONAL") {
      throw new Error(
        `WebAclAssociation: expected a REGIONAL web ACL (a CloudFront distribution takes a CLOUDFRONT one in web_acl_id), got ${props.webAcl.scope} ${props.webAcl.name}`,
      );
    }
    this.association = new Wafv2WebAclAssociation(this, "association", {
      provider: props.webAcl.webAcl.provider,
      webAclArn: props.webAcl.arn,
      resourceArn: props.resourceArn,
    });
  }
}
