// The independent reference for FaceDescriptorNet: face-api's own TF.js network (pure-JS CPU backend)
// computes the descriptor of 150 x 150 RGB chips. Usage: node face-descriptor-reference.mjs PACKAGE_DIR CHIP.rgb...
// where PACKAGE_DIR is the unpacked npm @vladmandic/face-api package and each CHIP.rgb holds 150 * 150 * 3
// bytes, row by row, R G B. Prints one JSON array of 128 numbers per chip, a line each.
import fs from 'fs';
import { createRequire } from 'module';

// The browser bundle carries TF.js; hide Node so that it does not look for tfjs-node's native platform,
// and give it the small platform it needs.
globalThis.require = createRequire(import.meta.url);
Object.defineProperty(process, 'versions', { value: {}, configurable: true });
const [dir, ...chips] = process.argv.slice(2);
const faceapi = await import(dir + '/dist/face-api.esm.js');
const tf = faceapi.tf;
tf.setPlatform('lennonnet-reference', {
  fetch: (u, i) => fetch(u, i),
  now: () => performance.now(),
  encode: (s) => new TextEncoder().encode(s),
  decode: (b, e) => new TextDecoder(e).decode(b),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
  setTimeoutCustom: (f, d) => setTimeout(f, d),
});
class Unused {}
faceapi.env.setEnv({
  Canvas: Unused, CanvasRenderingContext2D: Unused, Image: Unused, ImageData: Unused, Video: Unused,
  createCanvasElement: () => new Unused(), createImageElement: () => new Unused(),
  fetch: (u, i) => fetch(u, i), readFile: (p) => fs.promises.readFile(p),
});
await tf.setBackend('cpu');
await tf.ready();

const manifest = JSON.parse(fs.readFileSync(dir + '/model/face_recognition_model-weights_manifest.json'));
const bin = fs.readFileSync(dir + '/model/face_recognition_model.bin');
const weights = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), manifest[0].weights);
faceapi.nets.faceRecognitionNet.loadFromWeightMap(weights);
for (const chip of chips) {
  const bytes = fs.readFileSync(chip);
  if (bytes.length !== 150 * 150 * 3) throw new Error(chip + ' is not a 150 x 150 RGB chip');
  const pixels = Float32Array.from(bytes);
  const descriptor = await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(tf.tensor3d(pixels, [150, 150, 3]));
  console.log(JSON.stringify(Array.from(descriptor)));
}
