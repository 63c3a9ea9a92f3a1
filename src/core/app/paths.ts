// core/app's second, light door: where things are, for an adapter that must not load the engines.
// The Electron main process imports this instead of core/app/index.ts, which would bundle most of
// core into it and load sharp, better-sqlite3 and onnxruntime there (core runs in its
// utilityProcess). Only path facts with no heavy imports belong here.
export { defaultLibraryDir } from '../library/paths';
