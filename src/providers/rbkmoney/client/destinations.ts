/** RBKmoney destination calls: a tokenized card bound to our identity. */
import { type Destination, type DestinationParams, destinationSchema } from '../wire/destinations.js';
import { differences, resolveConflict } from './conflicts.js';
import { type RbkmoneyHttp, seg } from './http.js';

/**
 * The answer's resource carries the provider's own card token, not the payres token we sent, so a 409 is
 * settled on the name (which holds the masked card), identity, currency, resource type and metadata.
 */
export async function createDestination(http: RbkmoneyHttp, params: DestinationParams): Promise<Destination> {
  const operation = 'createDestination';
  const { created } = await http.create(
    operation,
    'wallet',
    '/wallet/v0/destinations',
    params,
    destinationSchema,
    (answer) =>
      resolveConflict(
        operation,
        answer,
        params.externalID,
        {
          byExternalID: () => getDestinationByExternalID(http, params.externalID),
          byId: (id) => getDestination(http, id),
        },
        (e) =>
          differences([
            ['name', params.name, e.name],
            ['identity', params.identity, e.identity],
            ['currency', params.currency, e.currency],
            ['resource.type', params.resource.type, e.resource.type],
            ['metadata', params.metadata, e.metadata],
          ]),
      ),
  );
  return created;
}

export function getDestination(http: RbkmoneyHttp, destinationID: string): Promise<Destination | undefined> {
  return http.read('getDestination', `/wallet/v0/destinations/${seg(destinationID)}`, destinationSchema);
}

export function getDestinationByExternalID(http: RbkmoneyHttp, externalID: string): Promise<Destination | undefined> {
  const path = `/wallet/v0/external-ids/destinations/${seg(externalID)}`;
  return http.read('getDestinationByExternalID', path, destinationSchema);
}
