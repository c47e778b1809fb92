// Reads iCalendar files with ical.js and node-ical, as calendar apps built on them do, and prints
// what each reader makes of every VEVENT: {file: {reader: {uid: [start ms, end ms] | error}}}.
// One process for all files: node starts once per test run (tests/calendar_readers.py).
import fs from 'node:fs';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';

function readWithIcalJs(text) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  // What apps built on ical.js do (Thunderbird's own, calendar web clients): the file's VTIMEZONEs
  // define its TZIDs. Reset per file, so one file's block never serves another.
  ICAL.TimezoneService.reset();
  for (const block of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(new ICAL.Timezone(block));
  }
  const times = {};
  for (const component of calendar.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(component);
    times[event.uid] = [event.startDate.toJSDate().getTime(), event.endDate.toJSDate().getTime()];
  }
  return times;
}

function readWithNodeIcal(text) {
  const times = {};
  for (const item of Object.values(nodeIcal.sync.parseICS(text))) {
    if (item.type === 'VEVENT') {
      times[item.uid] = [item.start.getTime(), item.end.getTime()];
    }
  }
  return times;
}

const readers = { 'ical.js': readWithIcalJs, 'node-ical': readWithNodeIcal };
const result = {};
for (const path of process.argv.slice(2)) {
  const text = fs.readFileSync(path, 'utf8');
  result[path] = {};
  for (const [name, read] of Object.entries(readers)) {
    try {
      result[path][name] = read(text);
    } catch (error) {
      result[path][name] = { error: String(error && error.stack ? error.stack : error) };
    }
  }
}
process.stdout.write(JSON.stringify(result));
