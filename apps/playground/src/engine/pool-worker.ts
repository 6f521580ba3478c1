// A pool worker of the page: importing the packages declares every chunked kernel, then it serves jobs.
import '@adder/addernet';
import { serveWebPoolWorker } from '@adder/tensor/web-pool-worker';

serveWebPoolWorker();
