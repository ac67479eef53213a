/**
 * ecommpay's scheme rules for a payout (the card scheme's required fields, by BIN). They live in
 * domain/scheme-rules, because the client library runs them too before it starts anything; the adapter reaches
 * them only through here.
 */
export { validate as payoutProblems, type SchemeRuleOptions } from '../../domain/scheme-rules/ecommpay.js';
export {
  defaultBinLookup,
  createTableBinLookup,
  type BinLookup,
} from '../../domain/scheme-rules/ecommpay-bin-table.js';
