// Conformance checks against the RBKmoney specs in ../shared/reference: load once, check exchanges, and skip
// (saying why) when the specs are not there.
import { bundleSplitSpec, type JsonObject } from './bundle.js';
import { rbkmoneySpecDirsForTests, type RbkmoneySpecDirs, specAbsentMessage } from './spec-location.js';
import { RbkmoneySpec } from './validator.js';

export { ConformanceError, formatProblems, RbkmoneySpec } from './validator.js';
export type { ConformanceProblem, RequestExchange, ResponseExchange } from './validator.js';
export { rbkmoneySpecDirs, rbkmoneySpecDirsForTests, referenceDir, specAbsentMessage } from './spec-location.js';

/**
 * `definitions/imports/BadRequest.yaml` links into a repository the snapshot does not include; this is its
 * schema as /work/shared/reference/rbkmoney.md records it (errorType enum, name, description).
 */
const badRequest: JsonObject = {
  type: 'object',
  required: ['errorType'],
  properties: {
    errorType: {
      type: 'string',
      enum: [
        'SchemaViolated',
        'NotFound',
        'WrongType',
        'NotInRange',
        'WrongSize',
        'WrongLength',
        'WrongArray',
        'NoMatch',
        'InvalidResourceToken',
        'InvalidToken',
        'AmbiguousPartyID',
      ],
    },
    name: { type: 'string' },
    description: { type: 'string' },
  },
};

export async function loadRbkmoneySpec(dirs: RbkmoneySpecDirs): Promise<RbkmoneySpec> {
  const substitutes = { BadRequest: badRequest };
  const [wallet, payres, events] = await Promise.all([
    bundleSplitSpec(dirs.wallet, { substitutes }),
    bundleSplitSpec(dirs.payres, { substitutes }),
    bundleSplitSpec(dirs.events, { substitutes }),
  ]);
  return new RbkmoneySpec([
    { name: 'wallet', document: wallet },
    { name: 'payres', document: payres },
    { name: 'events', document: events },
  ]);
}

/**
 * A describe block that gets the loaded spec, or is skipped with a message saying the specs are absent
 * (fails instead when CI=true).
 * `spec()` is valid inside tests (it is loaded in beforeAll).
 */
export function describeWithRbkmoneySpec(name: string, body: (spec: () => RbkmoneySpec) => void): void {
  let dirs: RbkmoneySpecDirs | undefined;
  try {
    dirs = rbkmoneySpecDirsForTests();
  } catch (error) {
    // CI=true without the specs: a failing test, not a skipped block.
    describe(name, () => {
      test('needs the RBKmoney specs', () => {
        throw error;
      });
    });
    return;
  }
  if (!dirs) {
    console.warn(`${name}: ${specAbsentMessage}`);
    describe.skip(`${name} (${specAbsentMessage})`, () => {
      test('needs the RBKmoney specs', () => undefined);
    });
    return;
  }
  describe(name, () => {
    let loaded: RbkmoneySpec | undefined;
    beforeAll(async () => {
      loaded = await loadRbkmoneySpec(dirs);
    });
    body(() => {
      if (!loaded) throw new Error('the RBKmoney spec is not loaded yet (use it inside a test)');
      return loaded;
    });
  });
}
