/** RBKmoney identity calls. */
import { type Identity, type IdentityParams, identitySchema } from '../wire/identities.js';
import { differences, resolveConflict } from './conflicts.js';
import { type Answer, type RbkmoneyHttp, seg } from './http.js';

export async function createIdentity(http: RbkmoneyHttp, params: IdentityParams): Promise<Identity> {
  const operation = 'createIdentity';
  const externalID = params.externalID;
  // No by-externalID read for identities: the 409 body's id is the only way to the existing one.
  const settle =
    externalID === undefined
      ? undefined
      : (answer: Answer) =>
          resolveConflict(operation, answer, externalID, { byId: (id) => getIdentity(http, id) }, (e) =>
            differences([
              ['name', params.name, e.name],
              ['provider', params.provider, e.provider],
              ['metadata', params.metadata, e.metadata],
            ]),
          );
  const { created } = await http.create(operation, 'wallet', '/wallet/v0/identities', params, identitySchema, settle);
  return created;
}

export function getIdentity(http: RbkmoneyHttp, identityID: string): Promise<Identity | undefined> {
  return http.read('getIdentity', `/wallet/v0/identities/${seg(identityID)}`, identitySchema);
}
