/**
 * ADBench's diagonal LSTM loss (Srajer et al. 2018, section 3.3; the C++
 * reference `lstm.h`): `l` layers of `b` diagonal LSTM cells run over a
 * sequence of `c` characters (one-hot-like vectors of length `b`, `sequence`
 * row-major c × b); the loss is the mean negative log-likelihood of each next
 * character under a softmax with an extra constant 2 in its denominator.
 *
 * mainParams: per layer, weights then biases of the 4 gates (forget, input,
 * output, change), each of length b: 8b numbers per layer.
 * extraParams: input weights, output weights, output biases (3b).
 * state: per layer, hidden then cell (2b); copied, the input is not modified.
 *
 * @differentiable wrt(mainParams, extraParams)
 */
export function lstmObjective(l: number, c: number, b: number, mainParams: Float64Array, extraParams: Float64Array, state: Float64Array, sequence: Float64Array): number {
  const s = state.slice();
  const input = new Float64Array(b);
  const ypred = new Float64Array(b);
  let total = 0;
  let count = 0;
  for (let t = 0; t < c - 1; t++) {
    for (let i = 0; i < b; i++) input[i] = sequence[t * b + i] * extraParams[i];
    for (let layer = 0; layer < l; layer++) {
      const weight = layer * 8 * b;
      const bias = weight + 4 * b;
      const hidden = 2 * layer * b;
      const cell = hidden + b;
      for (let i = 0; i < b; i++) {
        const forget = sigmoid(input[i] * mainParams[weight + i] + mainParams[bias + i]);
        const ingate = sigmoid(s[hidden + i] * mainParams[weight + b + i] + mainParams[bias + b + i]);
        const outgate = sigmoid(input[i] * mainParams[weight + 2 * b + i] + mainParams[bias + 2 * b + i]);
        const change = Math.tanh(s[hidden + i] * mainParams[weight + 3 * b + i] + mainParams[bias + 3 * b + i]);
        s[cell + i] = s[cell + i] * forget + ingate * change;
        s[hidden + i] = outgate * Math.tanh(s[cell + i]);
        input[i] = s[hidden + i];
      }
    }
    for (let i = 0; i < b; i++) ypred[i] = input[i] * extraParams[b + i] + extraParams[2 * b + i];
    const lse = logsumexpPlus2(ypred);
    for (let i = 0; i < b; i++) total += sequence[(t + 1) * b + i] * (ypred[i] - lse);
    count += b;
  }
  return -total / count;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** ADBench's LSTM log-sum-exp: log(2 + Σ exp(a[i])). */
function logsumexpPlus2(a: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.exp(a[i]);
  return Math.log(sum + 2);
}
