import { describe, expect, it } from 'vitest';
import { mergeTableMaps, nameGroupId } from './merge.ts';
import { answerRouteQuestion, type RouteQuestion } from './route-questions.ts';
import { link, org, table } from './testing.ts';

const id = (name: string) => nameGroupId(name);
const SECTORS: Record<string, string> = { primary_care: 'Primary care', housing: 'Housing', vcse: 'Voluntary, community and social enterprise sector', nhs_secondary: 'NHS secondary care' };
const sectorLabel = (sector: string) => SECTORS[sector] ?? sector;

// GP -> Talking Therapies -> Mind -> Crisis Housing and GP -> CMHT -> Crisis Housing (referrals); Mind -> Outreach;
// Island Project has no links. "Eastfield Surgery" at table 2 was merged into Eastfield GP.
const tables = [
  table('t1', [
    org('gp', 'Eastfield GP', 'primary_care'), org('tt', 'Talking Therapies', 'nhs_secondary'), org('mind', 'Northshore Mind', 'vcse'),
    org('house', 'Crisis Housing', 'housing'), org('isle', 'Island Project', 'vcse'), org('out', 'Street Outreach', 'vcse'),
  ], [link('1', 'gp', 'tt'), link('2', 'tt', 'mind'), link('3', 'mind', 'house'), link('4', 'mind', 'out')]),
  table('t2', [org('gp', 'Eastfield GP', 'primary_care'), org('cmht', 'Community Mental Health Team', 'nhs_secondary'), org('house', 'Crisis Housing', 'housing'), org('surgery', 'Eastfield Surgery', 'primary_care')], [
    link('5', 'gp', 'cmht'), link('6', 'cmht', 'house'),
  ]),
];
const map = mergeTableMaps(tables, { 't2:surgery': id('Eastfield GP') });
const ask = (question: Partial<RouteQuestion>) =>
  answerRouteQuestion(map, { between: 'organisations', from: id('Eastfield GP'), to: id('Crisis Housing'), fromName: 'Eastfield GP', toName: 'Crisis Housing', kinds: ['refers_to'], directed: false, maxLength: 4, ...question }, { sectorLabel });

describe('answerRouteQuestion', () => {
  it('says the shortest route, how many routes there are, and that none passes through one organisation alone', () => {
    const answer = ask({});
    expect(answer.status).toBe('found');
    expect(answer.question).toBe('From Eastfield GP to Crisis Housing, using only links where one organisation refers people to the other');
    expect(answer.shortest).toEqual(['Eastfield GP', 'Community Mental Health Team', 'Crisis Housing']);
    expect(answer.sentences).toEqual([
      'The shortest route takes 2 steps: Eastfield GP → Community Mental Health Team → Crisis Housing.',
      'There are 2 routes of up to 4 steps.',
      'No single organisation is on every route.',
    ]);
  });

  it('names the bottleneck and the cut vertex on the way', () => {
    const answer = ask({ from: id('Talking Therapies'), fromName: 'Talking Therapies', to: id('Street Outreach'), toName: 'Street Outreach', directed: true });
    expect(answer.sentences).toContain('Every route passes through Northshore Mind: it is a bottleneck.');
    expect(answer.sentences).toContain('It is the only route of up to 4 steps.');
    expect(answer.sentences).toContain('Northshore Mind holds the network together: if it closed, part of the network these links make would be cut off.');
    // The ends are the question itself: Northshore Mind splits the network, but as an end it is not named so.
    const fromMind = ask({ from: id('Northshore Mind'), fromName: 'Northshore Mind', to: id('Street Outreach'), toName: 'Street Outreach' });
    expect(fromMind.status).toBe('found');
    expect(fromMind.sentences.join(' ')).not.toContain('holds the network together');
  });

  it('says "no route" plainly, for the direction drawn or an isolated organisation', () => {
    expect(ask({ from: id('Crisis Housing'), fromName: 'Crisis Housing', to: id('Eastfield GP'), toName: 'Eastfield GP', directed: true })).toMatchObject({
      status: 'no-route',
      sentences: ['There is no route from Crisis Housing to Eastfield GP using only links where one organisation refers people to the other.'],
    });
    expect(ask({ to: id('Island Project'), toName: 'Island Project', kinds: [] }).sentences).toEqual(['There is no route from Eastfield GP to Island Project using any kind of link.']);
  });

  it('answers for the organisation a pinned one was merged into, and says so', () => {
    const answer = ask({ from: 't2:surgery', fromName: 'Eastfield Surgery' });
    expect(answer.status).toBe('found');
    expect(answer.sentences[0]).toBe('Eastfield Surgery has since been merged into Eastfield GP; the answer is for Eastfield GP.');
  });

  it('says clearly when an organisation was deleted, instead of failing', () => {
    const answer = ask({ to: id('Riverside Night Shelter'), toName: 'Riverside Night Shelter' });
    expect(answer).toMatchObject({ status: 'missing', shortest: [] });
    expect(answer.sentences[0]).toMatch(/^Riverside Night Shelter is no longer on the merged map \(deleted, or merged under another name\), so this question cannot be answered\./);
  });

  it('answers sector to sector through the closest pair, and says when a sector has no organisation', () => {
    const answer = ask({ between: 'sectors', from: 'primary_care', to: 'housing', fromName: 'Primary care', toName: 'Housing' });
    expect(answer.question).toMatch(/^From the Primary care sector to the Housing sector/);
    expect(answer.sentences[0]).toBe('The closest pair is Eastfield GP and Crisis Housing.');
    expect(answer.sentences[1]).toBe('The shortest route takes 2 steps: Eastfield GP → Community Mental Health Team → Crisis Housing.');
    const none = ask({ between: 'sectors', from: 'primary_care', to: 'social_care', fromName: 'Primary care', toName: 'Social care' });
    expect(none).toMatchObject({ status: 'missing', sentences: ['No organisation on the merged map is in the social_care sector, so there is no route to find.'] });
    const backwards = ask({ between: 'sectors', from: 'housing', to: 'vcse', fromName: 'Housing', toName: 'Voluntary', directed: true });
    expect(backwards.question).toMatch(/^From the Housing sector to the Voluntary, community and social enterprise sector, /);
    expect(backwards.sentences).toEqual(['There is no route from any organisation in the Housing sector to any in the Voluntary, community and social enterprise sector using only links where one organisation refers people to the other.']);
  });

  it('says when both ends became one organisation', () => {
    const answer = ask({ to: 't2:surgery', toName: 'Eastfield Surgery' });
    expect(answer.status).toBe('same-organisation');
    expect(answer.sentences.at(-1)).toBe('Both ends are now the same organisation, Eastfield GP, so there is no route to find.');
  });
});
