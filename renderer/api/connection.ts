// The window's one connection to the host, made while this module is evaluated. The entry
// (main.tsx) imports it before anything else, so that the web shell's socket is opening while
// React and the views are still being evaluated: a trace of the page opening had the socket made
// only after them, 35 ms into a 45 ms evaluation, and open 40 ms later.

import { connect } from './index.js';

export const connection = connect();
