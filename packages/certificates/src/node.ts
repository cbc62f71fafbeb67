// The Node entry: everything of the main entry, plus fonts read from the file system.
export * from './index';
export { nodeFonts } from './fonts/nodeFonts';
