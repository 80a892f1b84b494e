// The folder of the mock's modules, for finding the endpoint model shipped beside them.
import { join } from 'node:path';
import { packageDir } from '../here.js';

export const moduleDir: string = join(packageDir, 'mock');
