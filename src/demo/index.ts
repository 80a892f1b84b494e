// `npm start`: one payment through the sandbox WeChat Pay on loopback, printed step by step.
import { runDemo } from './run.js';

runDemo().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  },
);
