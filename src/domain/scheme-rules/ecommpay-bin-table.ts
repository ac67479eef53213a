/**
 * Card scheme and issuing country by BIN (the first digits of a PAN), for the scheme rules in ecommpay.ts.
 *
 * Source and status: ILLUSTRATIVE. The scheme ranges are the public IIN ranges the schemes publish (ISO/IEC 7812
 * registrations as summarised in the schemes' acceptance guides): Visa 4, Mastercard 51-55 and 2221-2720, Mir
 * 2200-2204, UnionPay 62 and 8100-8171, Amex 34/37, JCB 3528-3589, Maestro 50/56-58/6304/67; Discover and Diners
 * Club are known but mapped to 'other'. The issuing-country rows are NOT real issuers: they are the country test
 * cards Stripe publishes, which put the ISO 3166 numeric country code after `400000` (CA 124 -> BIN 400000124,
 * BR 076 -> BIN 400000076), and the same pattern for Qatar (634 -> BIN 400000634), which Stripe does not
 * publish; they are meant for this project's sandbox. Real cards issued in those countries are NOT recognised.
 *
 * Production needs a real BIN source (a licensed BIN file such as the schemes' own BIN tables, or a BIN
 * lookup service): implement `BinLookup` over it and pass it as `binLookup` to createEcommpayProvider. Because
 * `PayoutProvider.validate` is synchronous, a remote service has to be wrapped in an in-memory cache that is
 * loaded before validation (BIN data is distributed as files updated daily, so that is the usual shape anyway).
 */
import type { CardScheme } from '../payout-request.js';

export interface BinInfo {
  scheme?: CardScheme;
  /** ISO 3166-1 alpha-2 issuing country. */
  country?: string;
}

/** Where scheme rules learn a PAN's scheme and issuing country. Implementations never log or keep the PAN. */
export interface BinLookup {
  lookup(pan: string): BinInfo;
}

/** A range of PAN prefixes, both ends inclusive and of the same length. */
export interface BinRange {
  from: string;
  to: string;
  scheme?: CardScheme;
  country?: string;
}

const range = (from: string, to: string, info: BinInfo): BinRange => ({ from, to, ...info });
const visa: BinInfo = { scheme: 'visa' };
const mastercard: BinInfo = { scheme: 'mastercard' };
const maestro: BinInfo = { scheme: 'maestro' };
const unionpay: BinInfo = { scheme: 'unionpay' };
const other: BinInfo = { scheme: 'other' };

export const defaultBinRanges: readonly BinRange[] = [
  range('4', '4', visa),
  range('51', '55', mastercard),
  range('2221', '2720', mastercard),
  range('2200', '2204', { scheme: 'mir' }),
  range('62', '62', unionpay),
  range('8100', '8171', unionpay),
  range('34', '34', { scheme: 'amex' }),
  range('37', '37', { scheme: 'amex' }),
  range('3528', '3589', { scheme: 'jcb' }),
  range('50', '50', maestro),
  range('56', '58', maestro),
  range('6304', '6304', maestro),
  range('67', '67', maestro),
  // Schemes the PayoutRequest enum has no name for (Discover, Diners Club): known, but 'other'.
  range('6011', '6011', other),
  range('644', '649', other),
  range('65', '65', other),
  range('300', '305', other),
  range('36', '36', other),
  range('38', '39', other),
  // Sandbox issuing countries (see the header): Visa test BINs with the ISO numeric country code.
  range('400000124', '400000124', { scheme: 'visa', country: 'CA' }),
  range('400000076', '400000076', { scheme: 'visa', country: 'BR' }),
  range('400000634', '400000634', { scheme: 'visa', country: 'QA' }),
];

/** A BinLookup over prefix ranges: for each attribute, the longest matching range that has it wins. */
export function createTableBinLookup(ranges: readonly BinRange[]): BinLookup {
  for (const r of ranges) {
    if (r.from.length !== r.to.length || !/^\d+$/.test(r.from) || !/^\d+$/.test(r.to) || r.from > r.to) {
      throw new RangeError(`bad BIN range ${r.from}-${r.to}`);
    }
  }
  // Longest prefixes first; among equals, table order.
  const ordered = [...ranges].sort((a, b) => b.from.length - a.from.length);
  return {
    lookup(pan: string): BinInfo {
      const info: BinInfo = {};
      for (const r of ordered) {
        const prefix = pan.slice(0, r.from.length);
        if (prefix.length !== r.from.length || prefix < r.from || prefix > r.to) continue;
        info.scheme ??= r.scheme;
        info.country ??= r.country;
        if (info.scheme && info.country) break;
      }
      return info;
    },
  };
}

export const defaultBinLookup: BinLookup = createTableBinLookup(defaultBinRanges);
