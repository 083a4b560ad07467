export {
  type AudienceDefinition,
  type AudiencesResult,
  type EventMatch,
  parseAudiences,
  parseAudiencesYaml,
} from './audience-definitions.ts'
export { audiencesInForce } from './audiences-source.ts'
export { customerMatchHash, normaliseIdentifier } from './customer-match-hash.ts'
export { audienceChangeId, diffMembership, type MembershipSpan } from './membership-diff.ts'
