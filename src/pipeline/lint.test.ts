import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintPipelineFile } from './lint.ts';

const lint = (text: string) => lintPipelineFile(text, '.drone.yml').map((d) => [d.severity, d.line, d.column, d.field, d.message]);

describe('lintPipelineFile', () => {
  it('accepts a valid file', () => {
    assert.deepEqual(lint('kind: pipeline\nname: a\nsteps:\n- name: x\n  image: alpine\n  commands: [true]\n'), []);
  });

  it('reports duplicate pipeline and step names', () => {
    assert.deepEqual(
      lint('kind: pipeline\nname: a\nsteps:\n- name: x\n  image: alpine\n- name: x\n  image: alpine\n---\nkind: pipeline\nname: a\nsteps: []\n'),
      [
        ['error', 6, 9, 'pipeline "a" > steps[1] "x" > name', 'duplicate step name "x" in pipeline "a"'],
        ['error', 10, 7, 'pipeline "a" > name', 'duplicate pipeline name "a"'],
      ],
    );
  });

  it('reports dangling dependencies with a suggestion', () => {
    assert.deepEqual(
      lint(`kind: pipeline
name: build
steps:
- name: test
  image: alpine
- name: publish
  image: alpine
  depends_on: [tset, clone]
---
kind: pipeline
name: deploy
depends_on: [biuld]
steps: []
`),
      [
        ['error', 8, 16, 'pipeline "build" > steps[1] "publish" > depends_on[0]', 'depends on step "tset", which does not exist (did you mean "test"?)'],
        ['error', 12, 14, 'pipeline "deploy" > depends_on[0]', 'depends on pipeline "biuld", which does not exist (did you mean "build"?)'],
      ],
    );
  });

  it('reports dependency cycles naming the cycle', () => {
    const pipelines = lint('kind: pipeline\nname: a\ndepends_on: [b]\n---\nkind: pipeline\nname: b\ndepends_on: [a]\n');
    assert.deepEqual(pipelines, [['error', 3, 13, 'pipeline "a" > depends_on', 'pipeline dependency cycle: a -> b -> a']]);
    const steps = lint('kind: pipeline\nname: p\nsteps:\n- name: x\n  image: i\n  depends_on: [y]\n- name: y\n  image: i\n  depends_on: [x]\n- name: z\n  image: i\n  depends_on: [z]\n');
    assert.deepEqual(steps, [['error', 6, 15, 'pipeline "p" > steps[0] "x" > depends_on', 'step dependency cycle: x -> y -> x']]);
    const self = lint('kind: pipeline\nname: p\nsteps:\n- name: z\n  image: i\n  depends_on: [z]\n');
    assert.deepEqual(self.map((d) => d[4]), ['step dependency cycle: z -> z']);
  });

  it('requires images in container pipelines and commands in exec pipelines', () => {
    assert.deepEqual(lint('kind: pipeline\nname: p\nsteps:\n- name: x\n  commands: [make]\nservices:\n- name: db\n'), [
      ['error', 4, 3, 'pipeline "p" > steps[0] "x" > image', 'missing required key "image": every step of a docker pipeline needs an image'],
      ['error', 7, 3, 'pipeline "p" > services[0] "db" > image', 'missing required key "image": every service of a docker pipeline needs an image'],
      ['error', 7, 3, 'pipeline "p" > services[0] "db"', 'expected commands or an image'],
    ]);
    assert.deepEqual(lint('kind: pipeline\ntype: exec\nname: p\nsteps:\n- name: x\n  image: alpine\n'), [
      ['error', 5, 3, 'pipeline "p" > steps[0] "x" > commands', 'missing required key "commands": exec pipeline steps run commands'],
      ['warning', 6, 10, 'pipeline "p" > steps[0] "x" > image', 'image is ignored in exec pipelines'],
    ]);
  });

  it('warns about unknown events and statuses, but not about globs', () => {
    assert.deepEqual(lint('kind: pipeline\nname: p\ntrigger:\n  event: [push, pul_request, "*"]\nsteps:\n- name: x\n  image: i\n  when: {status: [sucess]}\n'), [
      ['warning', 4, 10, 'pipeline "p" > trigger.event', 'unknown event "pul_request"; expected one of push, pull_request, tag, promote, rollback, cron, custom, create, delete (did you mean "pull_request"?)'],
      ['warning', 8, 18, 'pipeline "p" > steps[0] "x" > when.status', 'unknown status "sucess"; expected one of success, failure (did you mean "success"?)'],
    ]);
  });

  it('reports a clone depth that is not a positive integer', () => {
    assert.deepEqual(lint('kind: pipeline\nname: p\nclone:\n  depth: 2.5\nsteps: []\n').map((d) => [d[1], d[4]]), [[4, 'expected a positive integer, got the number 2.5']]);
  });

  it('reports undeclared volumes and a step named clone', () => {
    assert.deepEqual(
      lint('kind: pipeline\nname: p\nvolumes:\n- name: cache\n  temp: {}\nsteps:\n- name: clone\n  image: i\n  volumes: [{name: cache, path: /c}, {name: nope, path: /n}]\n').map((d) => [d[1], d[4]]),
      [
        [7, 'step name "clone" is taken by the generated clone step (set clone.disable to use it)'],
        [9, 'volume "nope" is not declared in the pipeline\'s volumes'],
      ],
    );
  });

  it('warns when the file has no pipeline', () => {
    assert.deepEqual(lint('kind: secret\nname: s\ndata: x\n'), [['warning', 1, 1, '', 'no pipeline defined (expected a document with kind: pipeline)']]);
  });
});
