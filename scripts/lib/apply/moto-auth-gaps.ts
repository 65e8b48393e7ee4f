/**
 * Where moto 5.2.1's IAM check differs from IAM's, for an apply as the deployer: each entry rewrites the
 * statements of the bootstrap's policies in the copy applied to moto (never the synthesized stack, never
 * facts/iam), so that moto checks what IAM would check and no more. Each carries the line of moto's
 * source that forces it. What moto does not check at all (the permissions boundary, conditions of an
 * Allow, the resource of most requests) is listed in MOTO_AUTH_UNCHECKED and in the README.
 */

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface AuthGap {
  /** Short name, shown in the scenario's report. */
  readonly id: string;
  readonly reason: string;
  /** moto's source that shows it. */
  readonly evidence: string;
  /** The statements that replace one statement of the copy (the statement itself when it does not apply). */
  readonly rewrite: (statement: Statement) => Statement[];
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];
const service = (action: string) => action.split(":")[0];

/**
 * S3 operations moto checks under a name IAM does not use: moto's name is added beside IAM's. moto checks
 * an S3 request before its handler runs, under the name `ACTION_MAP` gives its method and query
 * (moto/s3/responses.py `_set_action`); the names handlers set afterwards (`self.data["Action"] =
 * "GetBucketEncryption"`, …) are never checked. A query ACTION_MAP lacks is checked under the method's
 * DEFAULT: see S3_CHECKED_AS.
 */
export const S3_ACTION_NAMES: Readonly<Record<string, string>> = {
  // ACTION_MAP["BUCKET"]["HEAD"]["DEFAULT"] = "HeadBucket"; IAM authorizes HeadBucket as ListBucket.
  "s3:HeadBucket": "s3:ListBucket",
};

/**
 * Bucket subresources the stacks configure that ACTION_MAP lacks (or names by a key S3's query never
 * carries: `public_access_block` for `?publicAccessBlock`): moto checks them under the method's DEFAULT,
 * so the IAM action is not proven; the DEFAULT is checked instead.
 */
export const S3_CHECKED_AS: readonly string[] = [
  "GET ?encryption, ?publicAccessBlock, ?object-lock, ?replication, ?ownershipControls as s3:ListBucket",
  "PUT ?encryption, ?publicAccessBlock, ?object-lock, ?replication, ?ownershipControls as s3:CreateBucket",
  "DELETE ?encryption, ?publicAccessBlock, ?replication, ?ownershipControls as s3:DeleteBucket",
];

/** IAM's action → moto's names for it (the inverse of S3_ACTION_NAMES). */
const MOTO_NAMES_OF: ReadonlyMap<string, string[]> = Object.entries(S3_ACTION_NAMES).reduce(
  (m, [moto, iam]) => m.set(iam, [...(m.get(iam) ?? []), moto]),
  new Map<string, string[]>(),
);

export const AUTH_GAPS: readonly AuthGap[] = [
  {
    id: "resource *",
    reason:
      "moto checks every request but S3's against the resource `*` (IAM's only for a RoleName of an existing role, STS's for AssumeRole), so a statement that names resources never matches one: the copy's Allow statements of every service but S3 say `*`",
    evidence:
      'moto/core/responses.py BaseResponse.call_action: `resource = "*"` unless the service defines _determine_resource (iam, sts, sqs); iam/access_control.py _match: the statement\'s pattern is matched against that "*"',
    rewrite: (s) => {
      if (s.Effect !== "Allow") return [s];
      const actions = list(s.Action);
      const s3 = actions.filter((a) => service(a) === "s3");
      const others = actions.filter((a) => service(a) !== "s3");
      if (others.length === 0 || list(s.Resource).join() === "*") return [s];
      const widened: Statement = { ...s, Action: others, Resource: "*" };
      return s3.length === 0
        ? [widened]
        : [
            { ...s, Action: s3 },
            { ...widened, Sid: `${s.Sid ?? ""}MotoAny` },
          ];
    },
  },
  {
    id: "conditional deny",
    reason:
      "moto evaluates a condition of an identity policy as met whatever the request (it fills in no condition key), so a Deny with a condition would refuse every request it names: the copy leaves such a Deny out",
    evidence:
      "moto/iam/access_control.py check_action_permitted passes no condition values to IAMPolicy.is_action_permitted; iam/policy_conditions.py TrustCondition.verify_condition loops over no values and returns True",
    rewrite: (s) => (s.Effect === "Deny" && s.Condition ? [] : [s]),
  },
  {
    id: "cloudwatch as monitoring",
    reason:
      "moto prefixes the action with the SigV4 signing name, `monitoring` for CloudWatch: the copy allows `monitoring:X` beside each `cloudwatch:X`",
    evidence:
      'moto/iam/access_control.py IAMRequestBase.__init__: `self._service = credential_data[3]` (the credential scope\'s service), `self._action = f"{self._service}:{action}"`',
    rewrite: (s) => alias(s, (a) => (service(a) === "cloudwatch" ? [`monitoring:${a.slice(11)}`] : [])),
  },
  {
    id: "S3 action names",
    reason:
      "moto checks HeadBucket under its own name where IAM checks ListBucket (S3_ACTION_NAMES): the copy allows moto's name beside IAM's",
    evidence:
      'moto/s3/responses.py ACTION_MAP["BUCKET"]["HEAD"]["DEFAULT"] = "HeadBucket", checked in _bucket_response before head_bucket',
    rewrite: (s) => alias(s, (a) => MOTO_NAMES_OF.get(a) ?? []),
  },
];

/** The statement with moto's names for its actions added (an Allow or a Deny alike). */
function alias(s: Statement, names: (action: string) => string[]): Statement[] {
  const actions = list(s.Action);
  const added = actions.flatMap(names).filter((a) => !actions.includes(a));
  return added.length === 0 ? [s] : [{ ...s, Action: [...actions, ...added] }];
}

/** What an apply as the deployer in moto cannot show, for the report and the README. */
export const MOTO_AUTH_UNCHECKED: readonly string[] = [
  "the permissions boundary (moto collects a role's inline and attached policies only)",
  "conditions of an Allow (tags, iam:PassedToService, iam:PermissionsBoundary: met whatever the request)",
  "the resources of every service but S3 (checked against `*`)",
  `the S3 actions of bucket settings moto checks under another name (${S3_CHECKED_AS.join("; ")})`,
  "actions a service checks on the caller's behalf (iam:PassRole, iam:CreateServiceLinkedRole)",
  "sts:GetCallerIdentity (always allowed) and the state backend (the copy's state is local)",
  "the actions of the types moto-gaps.ts leaves out (never applied)",
];

/** Rewrites one policy document (JSON text, references left in) by every gap; counts what each did. */
export function rewritePolicy(
  text: string,
  gaps: readonly AuthGap[] = AUTH_GAPS,
): { text: string; changed: Record<string, number> } {
  const doc = JSON.parse(text) as { Statement: Statement | Statement[] };
  let statements = list(doc.Statement as never) as unknown as Statement[];
  const changed: Record<string, number> = {};
  for (const gap of gaps) {
    statements = statements.flatMap((s) => {
      const out = gap.rewrite(s);
      if (out.length !== 1 || out[0] !== s) changed[gap.id] = (changed[gap.id] ?? 0) + 1;
      return out;
    });
  }
  return { text: JSON.stringify({ ...doc, Statement: statements }), changed };
}

/**
 * moto verifies the signature of a request without a body over its parsed parameters instead of the
 * empty payload the client signed, so every GET of Route 53 and CloudFront (REST-XML) fails with
 * SignatureDoesNotMatch, even for a caller allowed `*` on `*`. The launcher (moto.ts) verifies such
 * requests over an empty payload; the signature is still checked, and the permission check follows.
 */
export const SIGNATURE_FIX = {
  reason:
    "a bodiless GET, HEAD or DELETE is verified over moto's parsed parameters, not the empty payload signed",
  evidence:
    "moto/iam/access_control.py IAMRequestBase._create_aws_request: `data=self._body or self._data`; GetHostedZone and ListDistributions as a user allowed * on *: SignatureDoesNotMatchError",
} as const;
