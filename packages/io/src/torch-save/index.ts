// The torch.save writer's public surface: state dicts to .pth files that PyTorch loads with weights_only=True.
export { encodeTorchCheckpoint, saveTorchCheckpoint, type TorchSaveOptions } from './save';
export { TorchSaveError } from './errors';
export { writePickle, PickleFloat, PickleTuple, PickleOrderedDict, PickleTensor, type PickleWriteValue, type TorchSaveStorageType } from './pickler';
export { writeStoredZip, ZIP_DATA_ALIGNMENT } from './zip-writer';
