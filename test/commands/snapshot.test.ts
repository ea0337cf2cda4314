import {expect} from 'chai'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {currentContract, ROOT, SNAPSHOT} from '../../scripts/command-snapshot.js'
import {
  checkedInSchemas,
  differences,
  ENVELOPE_FILE,
  generateSchemas,
  RESULT_TYPES,
  schemaFileName,
  type SchemaFiles,
} from '../../scripts/json-schemas.js'
import {tempDir} from '../helpers/temp.js'

describe("the commands' public contract", () => {
  it('matches command-snapshot.json (after a deliberate change: npm run snapshot:update)', () => {
    expect(currentContract()).to.deep.equal(JSON.parse(readFileSync(SNAPSHOT, 'utf8')))
  })
})

describe('the --json contract (schemas/)', function () {
  // Generating compiles the result types with TypeScript: a few seconds, more on a loaded machine.
  this.timeout(120_000)
  let generated: SchemaFiles

  before(async () => {
    generated = await generateSchemas()
  })

  it('every command with --json has its result type in the table of scripts/json-schemas.ts', () => {
    const withJson = Object.entries(currentContract())
      .filter(([, command]) => (command as {json: boolean}).json)
      .map(([id]) => id)
    expect(Object.keys(RESULT_TYPES).sort()).to.deep.equal(withJson.sort())
  })

  it('matches the schemas generated from the result types (after a deliberate change: npm run snapshot:update)', () => {
    const checkedIn = checkedInSchemas()
    expect(Object.keys(checkedIn), 'the files in schemas/').to.deep.equal(Object.keys(generated).sort())
    expect(differences(checkedIn, generated), 'run npm run snapshot:update if the change is deliberate').to.deep.equal(
      [],
    )
  })

  it('has one error envelope: every failure carries the same error and warnings', () => {
    const envelope = generated[ENVELOPE_FILE] as {properties: Record<string, unknown>; required: string[]}
    expect(envelope.required).to.deep.equal(['error', 'warnings'])
    for (const id of Object.keys(RESULT_TYPES)) {
      const {failure} = (generated[schemaFileName(id)] as {definitions: Record<string, typeof envelope>}).definitions
      expect(failure.properties.error, id).to.deep.equal(envelope.properties.error)
      expect(failure.properties.warnings, id).to.deep.equal(envelope.properties.warnings)
      expect(failure.required, id).to.include.members(['error', 'warnings'])
    }
  })

  it('refuses a row whose type is not there, rather than an empty schema any output would match', async () => {
    const failure = await generateSchemas({'jwt:decode': {file: 'src/lib/jwt.ts', type: 'NoSuchReport'}}).then(
      () => undefined,
      (error: unknown) => error,
    )
    expect((failure as Error | undefined)?.message).to.match(/has no exported member.*NoSuchReport/)
  })

  it('has one field casing: every field of every output is snake_case', () => {
    const fields = (schema: unknown, path: string): string[] => {
      if (typeof schema !== 'object' || schema === null) return []
      const own =
        'properties' in schema ? Object.keys(schema.properties as object).map((name) => `${path}.${name}`) : []
      return [...own, ...Object.entries(schema).flatMap(([key, value]) => fields(value, `${path}/${key}`))]
    }

    const all = Object.entries(generated).flatMap(([file, schema]) => fields(schema, file))
    expect(all.length).to.be.greaterThan(50)
    expect(all.filter((field) => !/\.[a-z][a-z\d]*(?:_[a-z\d]+)*$/.test(field))).to.deep.equal([])
  })

  it('reports a changed result type: a field renamed in a copy of JwtReport', async () => {
    // A copy of src/lib/jwt.ts with `valid` renamed, its imports pointing back at src/lib.
    const copy = join(tempDir('schema'), 'jwt.ts')
    const source = readFileSync(join(ROOT, 'src', 'lib', 'jwt.ts'), 'utf8')
    const renamed = source.replace(/^ {2}valid: boolean$/m, '  usable: boolean')
    expect(renamed).not.to.equal(source)
    writeFileSync(copy, renamed.replaceAll("from './", `from '${join(ROOT, 'src', 'lib')}/`))
    const changed = await generateSchemas({
      'jwt:decode': {file: copy, type: 'JwtReport'},
      'jwt:generate': RESULT_TYPES['jwt:generate'],
    })
    const checkedIn = checkedInSchemas()
    // The unchanged row is the control: the same generation, no difference.
    expect(differences(checkedIn['jwt-generate.json'], changed['jwt-generate.json'])).to.deep.equal([])
    expect(differences(checkedIn['jwt-decode.json'], changed['jwt-decode.json'])).to.have.members([
      '/definitions/failure/properties/usable: only in the generated schemas',
      '/definitions/failure/properties/valid: only in the checked-in schemas',
      '/definitions/success/properties/usable: only in the generated schemas',
      '/definitions/success/properties/valid: only in the checked-in schemas',
      '/definitions/success/required/4: "valid" checked in, "usable" generated',
    ])
  })
})
