// Merchant notifications: the event shapes (pure) and their signature (sign, and verify for receivers).
export * from './events.js';
export * from './schemas.js';
export * from './signature.js';
