/**
 * What the card schemes require of an ecommpay payout (Gate payout doc, "request format"), checked before
 * anything is sent. Returns every problem at once, each with its dotted path into the PayoutRequest.
 *
 * Scheme and issuing country come from the caller's hints (`card.scheme`, `card.issuerCountry`), else from the
 * BinLookup (PAN cards only). A token card without hints has an unknown scheme: the rules that depend on the
 * scheme or the country are skipped for it (ecommpay or the issuer will still refuse, with a decline code).
 */
import { luhnValid } from '../card.js';
import { isPanCard, type CardScheme, type PayoutRequest } from '../payout-request.js';
import type { ValidationProblem } from '../provider-messages.js';
import { defaultBinLookup, type BinLookup } from './ecommpay-bin-table.js';

export interface SchemeRuleOptions {
  binLookup?: BinLookup;
  /** The instant "in the past" is measured against (dates of birth). */
  now?: Date;
}

export interface CardProfile {
  /** Undefined when nothing tells: a token card without a hint. */
  scheme?: CardScheme;
  country?: string;
}

export function cardProfile(card: PayoutRequest['card'], binLookup: BinLookup = defaultBinLookup): CardProfile {
  const fromTable = isPanCard(card) ? binLookup.lookup(card.pan) : {};
  return { scheme: card.scheme ?? fromTable.scheme, country: card.issuerCountry ?? fromTable.country };
}

type Problems = ValidationProblem[];

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

function requireFields(problems: Problems, block: string, values: Record<string, string | undefined>, why: string) {
  for (const [field, value] of Object.entries(values)) {
    if (!present(value)) problems.push({ path: `${block}.${field}`, reason: `required ${why}` });
  }
}

/** A real calendar date in DD-MM-YYYY, after 1900 and before today (UTC); a reason when not. */
export function dateOfBirthProblem(value: string, now: Date): string | undefined {
  const match = /^(\d{2})-(\d{2})-(\d{4})$/.exec(value);
  if (!match) return 'must be DD-MM-YYYY';
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return 'is not a calendar date';
  }
  if (year < 1900) return 'is implausibly early';
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (date.getTime() >= today) return 'must be in the past';
  return undefined;
}

function visaRules(request: PayoutRequest, country: string | undefined, now: Date, problems: Problems): void {
  const dob = request.sender?.day_of_birth;
  if (!present(dob)) {
    problems.push({ path: 'sender.day_of_birth', reason: 'required for Visa payouts (DD-MM-YYYY)' });
  } else {
    const problem = dateOfBirthProblem(dob, now);
    if (problem) problems.push({ path: 'sender.day_of_birth', reason: problem });
  }
  // The doc asks for "the recipient's location" for Canadian Visa cards without listing fields; country, city
  // and street address are the minimum that locates a person (state and zip are sent when given).
  if (country === 'CA') {
    const r = request.recipient;
    const location = { country: r?.country, city: r?.city, address: r?.address };
    requireFields(problems, 'recipient', location, 'for Visa cards issued in Canada');
  }
  if (request.kind === 'p2p' && (country === 'BR' || country === 'QA')) {
    const why = `for Visa Money Transfer to cards issued in ${country}`;
    requireFields(problems, 'sender', { phone: request.sender?.phone }, why);
  }
}

function mastercardRules(request: PayoutRequest, problems: Problems): void {
  const address = request.customer?.address;
  if (address !== undefined && [...address].length > 50) {
    problems.push({ path: 'customer.address', reason: 'must be at most 50 characters for Mastercard' });
  }
  if (request.kind !== 'p2p') return;
  const why = 'for Mastercard MoneySend from a person';
  const { recipient: r, sender: s } = request;
  requireFields(problems, 'recipient', { first_name: r?.first_name, last_name: r?.last_name }, why);
  if (!present(s?.pan) && !present(s?.wallet_id)) {
    problems.push({ path: 'sender.pan', reason: `sender.pan or sender.wallet_id required ${why}` });
  }
  const senderFields = {
    first_name: s?.first_name,
    last_name: s?.last_name,
    address: s?.address,
    city: s?.city,
    zip: s?.zip,
    country: s?.country,
  };
  requireFields(problems, 'sender', senderFields, why);
  const senderCountry = s?.country;
  if (present(senderCountry) && !/^[A-Z]{2}$/.test(senderCountry)) {
    problems.push({ path: 'sender.country', reason: 'must be an ISO 3166-1 alpha-2 code' });
  }
  if ((senderCountry === 'CA' || senderCountry === 'US') && !present(s?.state)) {
    problems.push({ path: 'sender.state', reason: `required ${why} when sender.country is ${senderCountry}` });
  }
}

/** Letters A-Z (either case) with spaces, hyphens, apostrophes and dots between them. */
const basicLatinName = /^[A-Za-z]+(?:[ .'-]+[A-Za-z]+)*\.?$/;

function latinNameRules(request: PayoutRequest, problems: Problems): void {
  const blocks = { customer: request.customer, sender: request.sender, recipient: request.recipient };
  for (const [block, person] of Object.entries(blocks)) {
    if (!person) continue;
    const names: Record<string, string | undefined> = {
      first_name: person.first_name,
      middle_name: 'middle_name' in person ? person.middle_name : undefined,
      last_name: person.last_name,
    };
    for (const [field, value] of Object.entries(names)) {
      if (value !== undefined && value !== '' && !basicLatinName.test(value)) {
        problems.push({ path: `${block}.${field}`, reason: 'must be in basic Latin letters (all cards but UnionPay)' });
      }
    }
  }
}

function luhnRules(request: PayoutRequest, problems: Problems): void {
  if (isPanCard(request.card) && !luhnValid(request.card.pan)) {
    problems.push({ path: 'card.pan', reason: 'fails the Luhn check' });
  }
  const senderPan = request.sender?.pan;
  if (senderPan !== undefined && !(/^\d{12,19}$/.test(senderPan) && luhnValid(senderPan))) {
    problems.push({ path: 'sender.pan', reason: 'must be 12-19 digits passing the Luhn check' });
  }
}

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/;

/** Every Gate payout request carries the recipient's id in the project and the IP address they used. */
function requiredFieldRules(request: PayoutRequest, problems: Problems): void {
  const customer = request.customer;
  requireFields(
    problems,
    'customer',
    { id: customer?.id, ip_address: customer?.ip_address },
    'by every ecommpay payout',
  );
  const ip = customer?.ip_address;
  if (present(ip) && !ipv4.test(ip) && !ipv6.test(ip)) {
    problems.push({ path: 'customer.ip_address', reason: 'must be an IPv4 or IPv6 address' });
  }
}

/** Every scheme rule the request breaks; empty when it may be sent. */
/** The payout doc lists P2P by card number only (/v2/payment/individual/payout): a token cannot be paid P2P. */
function p2pRules(request: PayoutRequest, problems: Problems): void {
  if (request.kind === 'p2p' && !isPanCard(request.card)) {
    problems.push({
      path: 'card.token',
      reason: 'ecommpay pays P2P by card number only; pay this token as a card payout or give the card number',
    });
  }
}

export function validate(request: PayoutRequest, options: SchemeRuleOptions = {}): ValidationProblem[] {
  const problems: Problems = [];
  requiredFieldRules(request, problems);
  const { scheme, country } = cardProfile(request.card, options.binLookup);
  luhnRules(request, problems);
  p2pRules(request, problems);
  if (scheme === 'visa') visaRules(request, country, options.now ?? new Date(), problems);
  if (scheme === 'mastercard') mastercardRules(request, problems);
  // An unknown scheme may be UnionPay, whose names are written in Chinese characters: skip rather than guess.
  if (scheme !== undefined && scheme !== 'unionpay') latinNameRules(request, problems);
  return problems;
}
