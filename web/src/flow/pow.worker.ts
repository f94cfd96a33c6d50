// Solves a captcha stage's proof of work off the page's thread: receives
// { challenge, difficulty }, answers { nonce }.
import { solve } from "./pow";

export interface PowRequest {
  challenge: string;
  difficulty: number;
}

export interface PowAnswer {
  nonce: string;
}

self.onmessage = (e: MessageEvent<PowRequest>) => {
  const nonce = solve(e.data.challenge, e.data.difficulty);
  if (nonce !== undefined) self.postMessage({ nonce } satisfies PowAnswer);
};
