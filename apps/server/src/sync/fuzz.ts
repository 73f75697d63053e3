import fc from 'fast-check';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/** Close codes a fuzzed socket may legitimately get (README "Close codes"). */
export const DOCUMENTED_CLOSE_CODES = new Set([1009, 1013, 4403, 4400, 4413, 4422, 4423, 4429]);

function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const validUpdate = fc
  .record({ key: fc.string({ maxLength: 8 }), value: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean()) })
  .map(({ key, value }) => {
    const doc = new Y.Doc();
    doc.getMap('organisations').set(key, value);
    return Y.encodeStateAsUpdate(doc);
  });

/** Random and adversarial y-websocket frames: garbage, truncated varints, huge length prefixes, unknown types, mangled updates. */
export const hostileFrame: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.constantFrom(
    new Uint8Array([0xff]),
    new Uint8Array([0, 0xff, 0xff]),
    new Uint8Array([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f]),
    new Uint8Array([1, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 2]),
    new Uint8Array([0, 0, 0xff, 0xff, 0xff, 0x7f]),
    new Uint8Array([]),
  ),
  fc.tuple(fc.integer({ min: 4, max: 1000 }), fc.uint8Array({ maxLength: 16 })).map(([type, rest]) =>
    frame((e) => {
      encoding.writeVarUint(e, type);
      encoding.writeUint8Array(e, rest);
    }),
  ),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 48 })).map(([subtype, payload]) =>
    frame((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, subtype);
      encoding.writeVarUint8Array(e, payload);
    }),
  ),
  fc.tuple(validUpdate, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom(1, 2)).map(([update, at, byte, subtype]) => {
    const mangled = update.slice();
    if (mangled.length > 0) mangled[at % mangled.length] = byte;
    return frame((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, subtype);
      encoding.writeVarUint8Array(e, mangled);
    });
  }),
  fc.tuple(validUpdate, fc.nat()).map(([update, cut]) =>
    frame((e) => {
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 2);
      encoding.writeVarUint8Array(e, update.slice(0, cut % (update.length + 1)));
    }),
  ),
  fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 30 })).map(([client, clock, state]) =>
    frame((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(
        e,
        frame((inner) => {
          encoding.writeVarUint(inner, 1);
          encoding.writeVarUint(inner, client);
          encoding.writeVarUint(inner, clock);
          encoding.writeVarString(inner, state);
        }),
      );
    }),
  ),
);
