import {expect} from 'chai'

import {formatDuration, formatJwtReport, formatRelative, formatTime} from '../../src/lib/output.js'

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
      {claims: {application_id: 'a', exp: 1900, iat: 1000}, header: {alg: 'RS256'}, signature: 'invalid', status: 'expired', valid: false},
      2000,
      'k.pub',
    )
    expect(text).to.include('application_id  a')
    expect(text).to.match(/lifetime\s+15 min/)
    expect(text).to.match(/status\s+EXPIRED 1 min 40 s ago/)
    expect(text).to.match(/signature\s+INVALID \(does not match k.pub\)/)
  })
})
