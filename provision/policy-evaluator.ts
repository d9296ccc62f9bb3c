// A small IAM policy evaluator for the one question the provisioner asks of a policy it does not own:
// "may this service principal do this action on this resource, in this request context?".
// Anything it does not understand counts against an Allow and for a Deny, so it never approves
// a policy AWS would reject.

export interface AccessRequest {
  principalService: string;
  action: string;
  resource: string;
  /** Condition keys in any case, e.g. { "aws:SourceAccount": "111122223333" }. */
  context: Record<string, string>;
}

type Json = Record<string, unknown>;

function asList(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  return undefined;
}

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

function principalMatches(statement: Json, service: string, allow: boolean): boolean {
  if ("NotPrincipal" in statement) return !allow;
  const principal = statement["Principal"];
  if (principal === "*") return true;
  if (typeof principal !== "object" || principal === null) return false;
  const { Service, AWS } = principal as Json;
  return (asList(Service) ?? []).includes(service) || (asList(AWS) ?? []).includes("*");
}

function elementMatches(statement: Json, key: "Action" | "Resource", value: string, ignoreCase: boolean): boolean {
  const positive = asList(statement[key]);
  if (positive) return positive.some((p) => wildcard(p, value, ignoreCase));
  const negative = asList(statement[`Not${key}`]);
  if (negative) return !negative.some((p) => wildcard(p, value, ignoreCase));
  return false;
}

const OPERATORS: Record<string, { negated: boolean; test: (pattern: string, value: string) => boolean }> = {
  StringEquals: { negated: false, test: (p, v) => p === v },
  StringNotEquals: { negated: true, test: (p, v) => p === v },
  StringEqualsIgnoreCase: { negated: false, test: (p, v) => p.toLowerCase() === v.toLowerCase() },
  StringLike: { negated: false, test: (p, v) => wildcard(p, v, false) },
  StringNotLike: { negated: true, test: (p, v) => wildcard(p, v, false) },
  ArnEquals: { negated: false, test: (p, v) => p === v },
  ArnNotEquals: { negated: true, test: (p, v) => p === v },
  ArnLike: { negated: false, test: (p, v) => wildcard(p, v, false) },
  ArnNotLike: { negated: true, test: (p, v) => wildcard(p, v, false) },
};

function conditionsHold(condition: unknown, context: Map<string, string>, whenUnknown: boolean): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== "object" || condition === null) return whenUnknown;
  return Object.entries(condition as Json).every(([rawOperator, block]) => {
    const ifExists = rawOperator.endsWith("IfExists");
    const operator = OPERATORS[ifExists ? rawOperator.slice(0, -"IfExists".length) : rawOperator];
    if (!operator || typeof block !== "object" || block === null) return whenUnknown;
    return Object.entries(block as Json).every(([key, values]) => {
      const patterns = asList(values);
      if (!patterns) return whenUnknown;
      const actual = context.get(key.toLowerCase());
      if (actual === undefined) return ifExists || operator.negated;
      const anyMatch = patterns.some((pattern) => operator.test(pattern, actual));
      return operator.negated ? !anyMatch : anyMatch;
    });
  });
}

function statementApplies(statement: Json, request: AccessRequest, context: Map<string, string>, allow: boolean) {
  return (
    principalMatches(statement, request.principalService, allow) &&
    elementMatches(statement, "Action", request.action, true) &&
    elementMatches(statement, "Resource", request.resource, false) &&
    conditionsHold(statement["Condition"], context, !allow)
  );
}

/** Allowed when some Allow statement applies and no Deny statement does. */
export function isAllowed(policy: string | undefined, request: AccessRequest): boolean {
  let document: unknown;
  try {
    document = JSON.parse(policy ?? "");
  } catch {
    return false;
  }
  if (typeof document !== "object" || document === null) return false;
  const raw = (document as Json)["Statement"];
  const statements = (Array.isArray(raw) ? raw : [raw]).filter(
    (s): s is Json => typeof s === "object" && s !== null,
  );
  const context = new Map(Object.entries(request.context).map(([k, v]) => [k.toLowerCase(), v]));
  const denied = statements.some((s) => s["Effect"] === "Deny" && statementApplies(s, request, context, false));
  const allowed = statements.some((s) => s["Effect"] === "Allow" && statementApplies(s, request, context, true));
  return allowed && !denied;
}
