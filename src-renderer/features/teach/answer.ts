/** The chunk the learner pointed at as an answer, and whether it was right: every view rings it. */
export interface Answer {
  chunk: number;
  correct: boolean;
}

export function answerClass(answer: Answer | null, chunk: number): string {
  if (answer?.chunk !== chunk) return '';
  return answer.correct ? ' answer-ok' : ' answer-bad';
}
