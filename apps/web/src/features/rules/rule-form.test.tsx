import { describe, expect, it } from 'vitest';
import { type Rule } from './api';
import { draftFromRule, draftProblem, emptyDraft, ruleFromDraft } from './rule-form';

describe('rule drafts', () => {
  it('turns "money in, at least 1000" into Plaid-signed bounds and back', () => {
    const body = ruleFromDraft(
      emptyDraft({ name: 'Salary', direction: 'in', amountFrom: '1000', hidden: true }),
    );
    expect(body.match).toEqual({ amountMax: -1000 });
    const rule: Rule = {
      id: 'r',
      name: 'Salary',
      priority: 10,
      match: body.match,
      set: body.set,
      createdAt: '',
      updatedAt: '',
    };
    expect(draftFromRule(rule)).toMatchObject({ direction: 'in', amountFrom: '1000', amountTo: '' });
  });

  it('asks for a name, a condition and an effect in words before anything is sent', () => {
    expect(draftProblem(emptyDraft())).toBe('Give the rule a name.');
    expect(draftProblem(emptyDraft({ name: 'x' }))).toMatch(/^Say which transactions/);
    expect(draftProblem(emptyDraft({ name: 'x', merchantName: 'Uber' }))).toMatch(/^Say what it does/);
    expect(draftProblem(emptyDraft({ name: 'x', merchantName: 'Uber', category: 'TRAVEL' }))).toBeNull();
  });
});
