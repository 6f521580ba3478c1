// Plain node on the installed tarballs: the official ResNet-20 AdderNet checkpoint (argv[2]) predicts the fixed
// inputs of the committed fixture (argv[3]); prints the max |logit - PyTorch's| and the largest |logit| as JSON.
import { resnet } from '@adder/addernet';
import { fromNDArray, noGrad } from '@adder/autograd';
import { loadSafetensors, loadTorchCheckpoint } from '@adder/io';

const [checkpoint, fixturePath] = process.argv.slice(2);
const state = loadTorchCheckpoint(checkpoint, { stripPrefix: 'module.' });
const model = resnet({ depth: 20 });
model.loadStateDict(state);
model.eval();
const fixture = loadSafetensors(fixturePath).tensors;
const logits = noGrad(() => model.call(fromNDArray(fixture.input))).data.toArray().flat();
const expected = fixture.logits.toArray().flat();
let maxAbsDiff = 0;
let maxAbs = 0;
for (let i = 0; i < expected.length; i++) {
  maxAbsDiff = Math.max(maxAbsDiff, Math.abs(logits[i] - expected[i]));
  maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
}
console.log(JSON.stringify({ tensors: Object.keys(state).length, count: expected.length, maxAbsDiff, maxAbs }));
