/**
 * Cards as the RBKmoney sandbox keeps them after tokenization: masked number, BIN, last digits, behaviour,
 * and a keyed hash that recognises the same card under a new token (the provider's idempotency compares
 * card data, not tokens). The hash key lives in memory only, so nothing stored can be turned back into a
 * card number.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { luhnValid, maskPan } from '../../domain/card.js';
import { cardBehaviour, type CardBehaviour, testCards } from './test-cards.js';

export interface SandboxCard {
  masked: string;
  bin: string;
  lastDigits: string;
  paymentSystem: string;
  /** Same card, same value (for the process lifetime). */
  cardKey: string;
  behaviour: CardBehaviour;
}

const cardKeySecret = randomBytes(32);

/** payres's scheme names; the sandbox knows its test cards and the schemes' leading digits. */
function paymentSystemOf(pan: string): string {
  const listed = Object.values(testCards).find((card) => card.pan === pan);
  if (listed && listed.scheme !== 'unknown') return listed.scheme === 'mir' ? 'nspkmir' : listed.scheme;
  if (pan.startsWith('4')) return 'visa';
  if (/^(5[1-5]|2[2-7])/.test(pan)) return pan.startsWith('220') ? 'nspkmir' : 'mastercard';
  return 'dummy';
}

export function sandboxCard(pan: string): SandboxCard {
  return {
    masked: maskPan(pan),
    bin: pan.slice(0, 6),
    lastDigits: pan.slice(-4),
    paymentSystem: paymentSystemOf(pan),
    cardKey: createHmac('sha256', cardKeySecret).update(pan).digest('hex'),
    behaviour: cardBehaviour(pan),
  };
}

/** MM/YY or MM/YYYY, valid through the end of that month (UTC). */
export function expired(expDate: string, now: Date): boolean {
  const [month, year] = expDate.split('/').map(Number);
  if (!month || year === undefined || month > 12) return true;
  const fullYear = year < 100 ? 2000 + year : year;
  return fullYear * 12 + month - 1 < now.getUTCFullYear() * 12 + now.getUTCMonth();
}

/** What payres refuses, in its own words (wapi: "Card data is invalid" for Luhn, expiry, CVV). */
export function cardProblem(pan: string, expDate: string | undefined, now: Date): string | undefined {
  if (cardBehaviour(pan).refuse) return cardBehaviour(pan).refuse;
  if (!luhnValid(pan)) return 'Card data is invalid';
  if (expDate !== undefined && expired(expDate, now)) return 'Card data is invalid';
  return undefined;
}
