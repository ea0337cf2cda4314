import {expect} from 'chai'

import stringWidth from 'string-width'

import {
  formatDuration,
  formatJwtReport,
  formatRelative,
  formatTable,
  formatTime,
  pageLabel,
  shorten,
} from '../../src/lib/output.js'

/** The terminal column where each line's last cell starts. */
const lastColumnStarts = (table: string) =>
  table.split('\n').map((line) => stringWidth(line.slice(0, line.search(/\S+$/))))

describe('output', () => {
  it('formats times in UTC and relative to now', () => {
    expect(formatTime(0)).to.equal('1970-01-01 00:00:00 UTC')
    expect(formatRelative(1000 + 899, 1000)).to.equal('in 14 min 59 s')
    expect(formatRelative(1000 - 7260, 1000)).to.equal('2 h 1 min ago')
    expect(formatRelative(5, 5)).to.equal('now')
  })

  it('formats durations with the two largest units', () => {
    expect(formatDuration(900)).to.equal('15 min')
    expect(formatDuration(86_400 + 7200 + 5)).to.equal('1 d 2 h')
    expect(formatDuration(0)).to.equal('0 s')
  })

  it('renders a token report a claim a line, with status and signature', () => {
    const text = formatJwtReport(
      {
        claims: {application_id: 'a', exp: 1900, iat: 1000},
        header: {alg: 'RS256'},
        signature: 'invalid',
        status: 'expired',
        valid: false,
      },
      2000,
      'k.pub',
    )
    expect(text).to.include('application_id  a')
    expect(text).to.match(/lifetime\s+15 min/)
    expect(text).to.match(/status\s+EXPIRED 1 min 40 s ago/)
    expect(text).to.match(/signature\s+INVALID \(does not match k.pub\)/)
  })

  it('#11.hostile.8 times and durations beyond what a Date can show are said in words, never thrown', () => {
    const limit = 8_640_000_000_000 // seconds: the last time a Date can show
    expect(formatTime(limit)).to.equal('+275760-09-13 00:00:00 UTC')
    for (const seconds of [limit + 1, 1e300, Number.MAX_VALUE, Infinity])
      expect(formatTime(seconds), String(seconds)).to.equal('a time beyond the year 275760')
    for (const seconds of [-limit - 1, -1e300, -Infinity])
      expect(formatTime(seconds), String(seconds)).to.equal('a time before the year 271822 BC')
    expect(formatTime(Number.NaN)).to.equal('an unknown time')
    expect(formatDuration(1e300)).to.equal('more than 500,000 years')
    expect(formatDuration(Infinity)).to.equal('more than 500,000 years')
    expect(formatDuration(Number.NaN)).to.equal('an unknown time')
    expect(formatDuration(limit)).to.equal('100000000 d')
    expect(formatRelative(1e300, 1000)).to.equal('in more than 500,000 years')
    expect(formatRelative(-1e300, 1000)).to.equal('more than 500,000 years ago')
    expect(formatRelative(Number.NaN, 1000)).to.equal('at an unknown time')
    const report = formatJwtReport(
      {
        claims: {exp: 1e300, iat: 1000, nbf: limit + 1},
        header: {alg: 'RS256'},
        signature: 'not checked',
        status: 'valid',
        valid: true,
      },
      2000,
    )
    expect(report).to.match(/^exp\s+1e\+300 \(a time beyond the year 275760, in more than 500,000 years\)$/m)
    expect(report).to.match(/^nbf\s+8640000000001 \(a time beyond the year 275760, in 99999999 d 23 h\)$/m)
    expect(report).to.match(/^lifetime\s+more than 500,000 years$/m)
    expect(report, report).not.to.match(/NaN|Infinity|e\+\d+ d/)
  })

  it('#11.hostile.14 a token report shows escapes and newlines in claim names, values and the header as visible text', () => {
    const text = formatJwtReport(
      {
        claims: {
          'evil\n\u001B[8mname': 'x\u202Ey',
          exp: 1900,
          iat: 1000,
          odd: {'\u001B[2J': '\u2028'},
          sub: '\u001B[2J\u001B[H\u001B[8mhidden\r\nstatus    valid',
        },
        header: {alg: 'RS256', kid: '\u001B[31m\u202E'},
        signature: 'not checked',
        status: 'expired',
        valid: false,
      },
      2000,
    )
    const lines = text.split('\n')
    expect(lines, text).to.have.length(9) // header, 5 claims, lifetime, status, signature
    for (const line of lines) expect(line, line).not.to.match(/[\p{Cc}\p{Zl}\u202A-\u202E]/u)
    const column = 'evil\\n\\x1b[8mname  '.length // the longest claim name, as shown, and two spaces
    expect(lines[0]).to.equal('header'.padEnd(column) + '{"alg":"RS256","kid":"\\u001b[31m\\u202e"}')
    expect(lines[1]).to.equal('evil\\n\\x1b[8mname  x\\u202ey')
    expect(lines).to.include('odd'.padEnd(column) + '{"\\u001b[2J":"\\u2028"}')
    expect(lines).to.include('sub'.padEnd(column) + '\\x1b[2J\\x1b[H\\x1b[8mhidden\\r\\nstatus    valid')
    expect(lines.at(-2)).to.equal('status'.padEnd(column) + 'EXPIRED 1 min 40 s ago')
  })

  it('#11.low tables align names in CJK and emoji by terminal columns', () => {
    const table = formatTable(
      ['PAGE ID', 'NAME', 'APPLICATION'],
      [
        ['101', '寿司の店', 'a1'],
        ['102', 'Pizza 🍕 Place', 'a2'],
        ['103', 'Cafe\u0301', '-'],
        ['104', 'Family 👨‍👩‍👧', '-'],
      ],
    )
    expect(lastColumnStarts(table), table).to.deep.equal(
      Array.from({length: 5}, () => stringWidth('PAGE ID  Pizza 🍕 Place  ')),
    )
  })

  it('#11.low table cells and Page labels show newlines, ANSI escapes and bidi overrides as visible escapes', () => {
    const name = 'Evil\n\u001B[31mRed\u001B[0m\r\u0007\u202Egnp.exe'
    const table = formatTable(
      ['PAGE ID', 'NAME'],
      [
        ['101', name],
        ['102', 'Plain'],
      ],
    )
    expect(table.split('\n'), table).to.have.length(3)
    for (const line of table.split('\n')) expect(line).not.to.match(/[\p{Cc}\u202A-\u202E]/u)
    expect(table).to.include('Evil\\n\\x1b[31mRed\\x1b[0m\\r\\x07\\u202egnp.exe')
    expect(pageLabel({id: '101', name})).to.equal('Evil\\n\\x1b[31mRed\\x1b[0m\\r\\x07\\u202egnp.exe (101)')
    expect(pageLabel({id: '102', name: 'Family 👨‍👩‍👧'}), 'emoji joiners are kept').to.equal('Family 👨‍👩‍👧 (102)')
    expect(pageLabel({id: '103'})).to.equal('Page 103')
  })

  it('#11.hostile.17 a remote name longer than 60 columns is cut with an ellipsis in tables and Page labels', () => {
    const long = 'A'.repeat(10_000)
    const table = formatTable(
      ['PAGE ID', 'NAME', 'APPLICATION'],
      [
        ['101', long, 'a1'],
        ['102', 'Pizza Place', 'a2'],
      ],
    )
    const widths = table.split('\n').map((line) => stringWidth(line))
    expect(Math.max(...widths), table).to.equal('PAGE ID  '.length + 60 + '  APPLICATION'.length)
    expect(table).to.include(`${'A'.repeat(59)}…  a1`)
    expect(pageLabel({id: '101', name: long})).to.equal(`${'A'.repeat(59)}… (101)`)
    expect(pageLabel({id: '102', name: 'B'.repeat(60)}), 'exactly 60 columns is kept whole').to.equal(
      `${'B'.repeat(60)} (102)`,
    )
    // cut by terminal columns and between whole characters, after escaping: still printable and aligned
    const wide = shorten('寿'.repeat(40))
    expect(wide).to.equal(`${'寿'.repeat(29)}…`)
    expect(stringWidth(wide), 'a wide character that would pass 60 columns is left out').to.equal(59)
    expect(shorten('👨‍👩‍👧'.repeat(40))).to.equal(`${'👨‍👩‍👧'.repeat(29)}…`)
    const escaped = pageLabel({id: '103', name: '\u001B[2J'.repeat(100)})
    expect(escaped).not.to.match(/\p{Cc}/u)
    expect(escaped).to.match(/^(\\x1b\[2J)+.{0,6}… \(103\)$/)
    expect(stringWidth(escaped)).to.equal(60 + ' (103)'.length)
  })
})
