import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, type TerraformProvider, Token } from "cdktf";
import { Construct } from "constructs";

export interface DnsValidatedCertificateProps {
  /** The name the certificate is for. */
  readonly domainName: string;
  /** More names it covers (e.g. the origin name CloudFront connects to). @default none */
  readonly subjectAlternativeNames?: string[];
  /** Public hosted zone the validation records go into. */
  readonly hostedZoneId: string;
  /**
   * Validation records another certificate of this account already created for the same names: ACM
   * asks for the same record in every region, so a second certificate waits on those instead of
   * writing them again. @default this certificate creates its records
   */
  readonly existingValidationRecordFqdns?: string[];
  /** Provider of the certificate's region (us-east-1 for CloudFront). @default the stack's */
  readonly provider?: TerraformProvider;
}

/**
 * A public ACM certificate validated by DNS records in Route 53; its ARN is usable once validation has
 * finished, so listeners and distributions never reference a pending certificate.
 */
export class DnsValidatedCertificate extends Construct {
  /** ARN of the validated certificate. */
  readonly arn: string;
  /** FQDNs of the validation records, for a certificate of the same names in another region. */
  readonly validationRecordFqdns: string[];

  constructor(scope: Construct, id: string, props: DnsValidatedCertificateProps) {
    super(scope, id);
    const certificate = new AcmCertificate(this, "certificate", {
      domainName: props.domainName,
      subjectAlternativeNames: props.subjectAlternativeNames,
      validationMethod: "DNS",
      keyAlgorithm: "RSA_2048",
      lifecycle: { createBeforeDestroy: true },
      provider: props.provider,
    });
    if (props.existingValidationRecordFqdns) {
      this.validationRecordFqdns = props.existingValidationRecordFqdns;
    } else {
      // One record per name, keyed by the name (known at plan time). cdktf's fromComplexList would wrap the
      // set in tolist(), whose order is unknown until apply once the certificate has two names.
      const options = TerraformIterator.fromMap(
        Token.asAnyMap(`\${{ for o in ${certificate.fqn}.domain_validation_options : o.domain_name => o }}`),
      );
      const records = new Route53Record(this, "validation-record", {
        forEach: options,
        zoneId: props.hostedZoneId,
        name: options.getString("resource_record_name"),
        type: options.getString("resource_record_type"),
        records: [options.getString("resource_record_value")],
        ttl: 300,
        allowOverwrite: true,
      });
      this.validationRecordFqdns = Token.asList(
        TerraformIterator.fromResources(records).pluckProperty("fqdn"),
      );
    }
    const validation = new AcmCertificateValidation(this, "validation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: this.validationRecordFqdns,
      provider: props.provider,
    });
    this.arn = validation.certificateArn;
  }
}
