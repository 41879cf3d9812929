/**
 * Correlation engine benchmark. Prints one JSON line:
 *  - end-to-end events/s over a 1,000,000-event JSONL file (read in chunks, JSON.parse, detection
 *    with 50 Sigma rules, correlation with 5 correlation rules);
 *  - correlation-stage events/s: the events that matched a correlated rule, recorded beforehand,
 *    fed straight to the correlation stage (median of 3 runs, each after a full GC);
 *  - peak rss and heap during the end-to-end run (sampled every 10,000 events), the peak number
 *    of live groups, and the heap the engine still holds after the last event once garbage is
 *    collected (memory follows live groups, not events).
 * Targets (issue 8): >= 250,000 events/s end to end, >= 1,000,000 events/s correlation stage.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CorrelationEngine, DetectionIndex, compileRuleSet, type CompiledRuleSet, type EventFields, type FlatEvent } from '../src/correlate/engine/index.js';
import { parseRuleCollection } from '../src/correlate/rules/index.js';
import { seededRandom } from '../src/lab/scenario/random.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const T0 = Date.parse('2026-03-01T00:00:00Z');
const SAMPLE_EVERY = 10_000;
/** The correlation stage is replayed this many times; the median is reported. */
const STAGE_RUNS = 3;

/** A full garbage collection, so one phase's garbage is not collected on the next one's clock. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const random = seededRandom(20260301);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const range = (count: number, make: (index: number) => string) => Array.from({ length: count }, (_, index) => make(index));

const INTERNAL_IPS = range(2000, (index) => `10.${(index >> 8) & 255}.${index & 255}.${(index * 7) % 250 + 2}`);
const EXTERNAL_IPS = range(500, (index) => `${[23, 34, 52, 104, 151, 185][index % 6]}.${(index * 13) % 256}.${(index * 29) % 256}.${(index * 31) % 254 + 1}`);
const USERS = range(800, (index) => `user${String(index).padStart(4, '0')}`).concat(['administrator', 'svc_backup', 'jdoe', 'guest']);
const HOSTS = range(300, (index) => (index < 250 ? `ws-${String(index).padStart(4, '0')}` : `srv-app-${index - 249}`));
const SERVERS = HOSTS.slice(250);
const HASHES = range(400, (index) => (index * 2654435761 >>> 0).toString(16).padStart(8, '0').repeat(8));
const PROCESSES: ReadonlyArray<[string, string, string]> = [
  ['C:\\Windows\\System32\\cmd.exe', 'cmd.exe /c dir C:\\Users\\Public', 'C:\\Windows\\explorer.exe'],
  ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -NoProfile -File C:\\scripts\\inventory.ps1', 'C:\\Windows\\System32\\svchost.exe'],
  ['C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', '"OUTLOOK.EXE" /recycle', 'C:\\Windows\\explorer.exe'],
  ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'chrome.exe --type=renderer --lang=en-US', 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe'],
  ['C:\\Windows\\System32\\svchost.exe', 'svchost.exe -k netsvcs -p -s Schedule', 'C:\\Windows\\System32\\services.exe'],
  ['C:\\Windows\\System32\\conhost.exe', 'conhost.exe 0xffffffff -ForceV1', 'C:\\Windows\\System32\\cmd.exe'],
  ['C:\\Windows\\System32\\taskhostw.exe', 'taskhostw.exe', 'C:\\Windows\\System32\\svchost.exe'],
  ['C:\\Windows\\System32\\rundll32.exe', 'rundll32.exe shell32.dll,Control_RunDLL', 'C:\\Windows\\explorer.exe'],
];
const DOMAINS = range(3000, (index) => `${['www', 'api', 'cdn', 'mail', 'static'][index % 5]}.${['example', 'contoso', 'fabrikam', 'northwind', 'adatum'][index % 5]}${index}.${['com', 'net', 'org', 'io'][index % 4]}`);

/** An attack under way: emits its events one at a time, interleaved with the noise. */
interface Campaign {
  next(time: number): EventFields | undefined;
}

function bruteForce(): Campaign {
  const ip = pick(INTERNAL_IPS);
  const user = pick(USERS);
  const host = pick(SERVERS);
  const failures = 12 + Math.floor(random() * 40);
  let sent = 0;
  return { next: () => (sent > failures ? undefined : authentication(sent++ < failures ? 'failure' : 'success', ip, user, host)) };
}

function spraying(): Campaign {
  const ip = pick(EXTERNAL_IPS);
  const host = pick(SERVERS);
  let sent = 0;
  return { next: () => (sent++ >= 25 ? undefined : authentication('failure', ip, pick(USERS), host)) };
}

function recon(): Campaign {
  const host = pick(HOSTS.slice(0, 250));
  const steps: Array<[string, string]> = [
    ['C:\\Windows\\System32\\whoami.exe', 'whoami /all'],
    ['C:\\Windows\\System32\\net.exe', 'net user /domain'],
    ['C:\\Windows\\System32\\ipconfig.exe', 'ipconfig /all'],
  ];
  let sent = 0;
  return {
    next: () => {
      const step = steps[sent++];
      return step === undefined ? undefined : { ...processActivity(host), 'process.name': step[0], 'process.command_line': step[1], 'parent.name': 'C:\\Windows\\System32\\cmd.exe' };
    },
  };
}

function portScan(): Campaign {
  const ip = pick(EXTERNAL_IPS);
  const target = pick(INTERNAL_IPS);
  let port = 1;
  return { next: () => (port > 40 ? undefined : { ...networkActivity(ip, target, port++ * 17), outcome: 'blocked' }) };
}

function authentication(outcome: 'failure' | 'success', ip: string, user: string, host: string): EventFields {
  return {
    'logsource.category': 'authentication',
    'logsource.product': 'windows',
    class: 'authentication',
    source: 'splunk',
    severity: outcome === 'failure' ? 'low' : 'info',
    'event.code': outcome === 'failure' ? 4625 : 4624,
    outcome,
    'src.ip': ip,
    'user.name': user,
    'dst.host': host,
    'auth.protocol': random() < 0.3 ? 'ntlm' : 'kerberos',
    message: outcome === 'failure' ? 'An account failed to log on.' : 'An account was successfully logged on.',
  };
}

function processActivity(host: string): EventFields {
  const [name, commandLine, parent] = pick(PROCESSES);
  return {
    'logsource.category': 'process_creation',
    'logsource.product': 'windows',
    class: 'process_activity',
    source: 'secure-endpoint',
    severity: 'info',
    'host.name': host,
    'user.name': pick(USERS),
    'process.name': name,
    'process.command_line': commandLine,
    'parent.name': parent,
    'process.pid': Math.floor(random() * 65_000),
    'file.hash.sha256': pick(HASHES),
  };
}

function networkActivity(source: string, destination: string, port: number): EventFields {
  return {
    'logsource.category': 'firewall',
    'logsource.product': 'cisco_fmc',
    class: 'network_activity',
    source: 'secure-firewall',
    severity: 'info',
    'src.ip': source,
    'dst.ip': destination,
    'dst.port': port,
    'network.transport': 'tcp',
    bytes: Math.floor(random() * 200_000),
    outcome: random() < 0.04 ? 'blocked' : 'allowed',
  };
}

function dnsActivity(): EventFields {
  return {
    'logsource.category': 'dns',
    'logsource.product': 'umbrella',
    class: 'dns_activity',
    source: 'umbrella',
    severity: 'info',
    'src.ip': pick(INTERNAL_IPS),
    'host.name': pick(HOSTS),
    'dns.query': pick(DOMAINS),
    'dns.answer': pick(EXTERNAL_IPS),
    outcome: random() < 0.02 ? 'blocked' : 'allowed',
  };
}

function noiseEvent(): EventFields {
  const draw = random();
  if (draw < 0.35) return authentication(random() < 0.2 ? 'failure' : 'success', pick(INTERNAL_IPS), pick(USERS), pick(HOSTS));
  if (draw < 0.65) return processActivity(pick(HOSTS));
  if (draw < 0.85) return networkActivity(pick(INTERNAL_IPS), random() < 0.5 ? pick(EXTERNAL_IPS) : pick(INTERNAL_IPS), pick([443, 80, 445, 3389, 53, 22, 8080, 5985]));
  return dnsActivity();
}

/** Writes the JSONL file; returns its size in bytes. */
function writeEvents(file: string): number {
  const descriptor = openSync(file, 'w');
  const campaigns: Campaign[] = [];
  const makers = [bruteForce, spraying, recon, portScan];
  let time = T0;
  let bytes = 0;
  let batch: string[] = [];
  for (let index = 0; index < EVENTS; index += 1) {
    time += Math.floor(random() * 170);
    if (random() < 0.0004) campaigns.push(pick(makers)());
    let fields: EventFields | undefined;
    if (campaigns.length > 0 && random() < 0.3) {
      const campaign = Math.floor(random() * campaigns.length);
      fields = campaigns[campaign]!.next(time);
      if (fields === undefined) campaigns.splice(campaign, 1);
    }
    batch.push(JSON.stringify({ time, fields: fields ?? noiseEvent() }));
    if (batch.length === 10_000) {
      bytes += writeSync(descriptor, `${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) bytes += writeSync(descriptor, `${batch.join('\n')}\n`);
  closeSync(descriptor);
  return bytes;
}

/** 50 detection rules (varied modifiers and logsources) and 5 correlation rules, as one Sigma collection. */
function ruleText(): string {
  const detection = (name: string, logsource: string, body: string) => `title: ${name.replace(/_/g, ' ')}\nname: ${name}\nlogsource: ${logsource}\ndetection:\n${body}\n`;
  const auth = '{ category: authentication, product: windows }';
  const proc = '{ category: process_creation, product: windows }';
  const firewall = '{ category: firewall }';
  const dns = '{ category: dns }';
  const rules = [
    detection('failed_logon', auth, '  selection: { class: authentication, outcome: failure }\n  condition: selection'),
    detection('successful_logon', auth, '  selection: { class: authentication, outcome: success }\n  condition: selection'),
    detection('admin_logon_failure', auth, "  selection: { outcome: failure, user.name|startswith: adm }\n  condition: selection"),
    detection('external_logon', auth, "  selection: { outcome: success }\n  internal: { src.ip|cidr: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] }\n  condition: selection and not internal"),
    detection('ntlm_logon', auth, '  selection: { auth.protocol: ntlm, event.code: 4624, user.name|endswith: $ }\n  condition: selection'),
    detection('service_account_interactive', auth, "  selection: { user.name|startswith: svc_, logon.type: 2 }\n  condition: selection"),
    detection('guest_logon', auth, '  selection: { user.name: [guest, anonymous] }\n  condition: selection'),
    detection('kerberos_preauth_failure', auth, '  selection: { event.code: 4771 }\n  condition: selection'),
    detection('encoded_powershell', proc, "  selection: { process.name|endswith: '\\powershell.exe', process.command_line|contains: [' -enc ', ' -encodedcommand '] }\n  condition: selection"),
    detection(
      'office_spawns_shell',
      proc,
      "  parent: { parent.name|endswith: ['\\winword.exe', '\\excel.exe', '\\outlook.exe'] }\n  child: { process.name|endswith: ['\\cmd.exe', '\\powershell.exe', '\\wscript.exe'] }\n  condition: parent and child",
    ),
    detection('credential_dumping_keywords', proc, "  keywords: ['sekurlsa::', 'mimikatz', 'lsadump::']\n  condition: keywords"),
    detection('recon_whoami', proc, "  selection: { process.name|endswith: '\\whoami.exe' }\n  condition: selection"),
    detection('recon_net_user', proc, "  selection: { process.name|endswith: ['\\net.exe', '\\net1.exe'], process.command_line|contains: [' user', ' group'] }\n  condition: selection"),
    detection('recon_ipconfig', proc, "  selection: { process.name|endswith: '\\ipconfig.exe' }\n  condition: selection"),
    detection('certutil_download', proc, "  selection: { process.name|endswith: '\\certutil.exe', process.command_line|contains|all: [urlcache, 'http'] }\n  condition: selection"),
    detection('rundll32_without_arguments', proc, "  selection: { process.name|endswith: '\\rundll32.exe', process.command_line|endswith: rundll32.exe }\n  condition: selection"),
    detection('regsvr32_scrobj', proc, "  selection: { process.command_line|contains: scrobj.dll }\n  condition: selection"),
    detection('shadow_copy_deletion', proc, '  selection: { process.command_line|contains|all: [vssadmin, delete, shadows] }\n  condition: selection'),
    detection('scheduled_task_created', proc, "  selection: { process.name|endswith: '\\schtasks.exe', process.command_line|contains: /create }\n  condition: selection"),
    detection('lsass_dump', proc, "  selection: { process.command_line|re|i: 'procdump(64)?(\\.exe)? .*lsass' }\n  condition: selection"),
    detection('known_bad_hash', proc, `  selection: { file.hash.sha256: [${HASHES.slice(0, 10).join(', ')}] }\n  condition: selection`),
    detection('psexec', proc, "  selection: { process.name|endswith: ['\\psexec.exe', '\\psexesvc.exe'] }\n  condition: selection"),
    detection('wmic_process_create', proc, '  selection: { process.command_line|contains|all: [wmic, process, call, create] }\n  condition: selection'),
    detection('bitsadmin_transfer', proc, '  selection: { process.command_line|contains: /transfer }\n  condition: selection'),
    detection('execution_from_temp', proc, "  selection: { process.name|contains: ['\\AppData\\Local\\Temp\\', '\\Users\\Public\\'] }\n  condition: selection"),
    detection('download_cradle', proc, '  selection: { process.command_line|contains: [DownloadString, DownloadFile, Invoke-WebRequest] }\n  condition: selection'),
    detection('named_pipe_echo', proc, "  selection: { process.command_line: '*echo*>*\\\\.\\pipe\\*' }\n  condition: selection"),
    detection('service_child_high_pid', proc, "  selection: { process.pid|gt: 64000, parent.name|endswith: '\\services.exe' }\n  condition: selection"),
    detection('tor_exit_traffic', firewall, "  selection: { dst.ip|cidr: ['185.220.100.0/22', '2a0b:f4c0::/32'] }\n  condition: selection"),
    detection('smb_lateral', firewall, "  selection: { dst.port: 445, outcome: allowed, src.ip|cidr: 10.0.0.0/8, dst.ip|cidr: 10.0.0.0/8 }\n  condition: selection"),
    detection('rdp_from_internet', firewall, "  selection: { dst.port: 3389 }\n  internal: { src.ip|cidr: 10.0.0.0/8 }\n  condition: selection and not internal"),
    detection('large_upload', firewall, '  selection: { bytes|gt: 50000000 }\n  condition: selection'),
    detection('telnet', firewall, '  selection: { dst.port: 23 }\n  condition: selection'),
    detection('irc_ports', firewall, '  selection: { dst.port: [6667, 6668, 6669] }\n  condition: selection'),
    detection('blocked_connection', firewall, '  selection: { class: network_activity, outcome: blocked }\n  condition: selection'),
    detection('winrm', firewall, '  selection: { dst.port: [5985, 5986], outcome: allowed }\n  condition: selection'),
    detection('dns_over_tcp', firewall, '  selection: { dst.port: 53, network.transport: tcp }\n  condition: selection'),
    detection('ssh_to_internet', firewall, "  selection: { dst.port: 22 }\n  internal: { dst.ip|cidr: [10.0.0.0/8, 172.16.0.0/12] }\n  condition: selection and not internal"),
    detection('uncommon_port_band', firewall, '  selection: { dst.port|gte: 40000, dst.port|lte: 40100 }\n  condition: selection'),
    detection('link_local_ipv6', firewall, '  selection: { src.ip|cidr: fe80::/10 }\n  condition: selection'),
    detection('malicious_domain', dns, '  selection: { dns.query: [update-check.example-cdn.net, evil.example.org, c2.badactor.net] }\n  condition: selection'),
    detection('suspicious_tld', dns, "  selection: { dns.query|endswith: ['.xyz', '.top', '.zip', '.mov'] }\n  condition: selection"),
    detection('dns_tunnelling', dns, "  selection: { dns.query|re: '^[a-z0-9]{40,}\\.' }\n  condition: selection"),
    detection('dynamic_dns', dns, "  selection: { dns.query|endswith: ['.duckdns.org', '.no-ip.com', '.ddns.net'] }\n  condition: selection"),
    detection('pastebin', dns, '  selection: { dns.query|contains: pastebin }\n  condition: selection'),
    detection('ngrok', dns, "  selection: { dns.query|endswith: '.ngrok.io' }\n  condition: selection"),
    detection('dga_like', dns, "  selection: { dns.query|re: '^[bcdfghjklmnpqrstvwxz]{12,}\\.(com|net)$' }\n  condition: selection"),
    detection('mining_pool', dns, "  selection: { dns.query|contains: ['pool.', xmr] }\n  condition: selection"),
    detection('blocked_dns', dns, '  selection: { class: dns_activity, outcome: blocked }\n  condition: selection'),
    detection('onion_lookup', dns, "  selection: { dns.query: '*.onion*' }\n  condition: selection"),
  ];
  const correlations = [
    'title: Brute force then logon\nname: brute_force_then_login\nlevel: high\ncorrelation:\n  type: temporal_ordered\n  rules: [many_failed_logons, successful_logon]\n  group-by: [src.ip, user.name, dst.host]\n  timespan: 30m',
    'title: Many failed logons\nname: many_failed_logons\ncorrelation:\n  type: event_count\n  rules: [failed_logon]\n  group-by: [src.ip, user.name, dst.host]\n  timespan: 10m\n  condition: { gte: 10 }',
    'title: Password spraying\nname: password_spraying\nlevel: high\ncorrelation:\n  type: value_count\n  rules: [failed_logon]\n  group-by: [src.ip]\n  timespan: 1h\n  condition: { field: user.name, gte: 15 }',
    'title: Discovery burst\nname: discovery_burst\nlevel: medium\ncorrelation:\n  type: temporal\n  rules: [recon_whoami, recon_net_user, recon_ipconfig]\n  group-by: [host.name]\n  timespan: 10m',
    'title: Port scan\nname: port_scan\nlevel: medium\ncorrelation:\n  type: value_count\n  rules: [blocked_connection]\n  group-by: [src.ip]\n  timespan: 5m\n  condition: { field: dst.port, gte: 20 }',
  ];
  return [...correlations, ...rules].join('\n---\n');
}

interface MemoryPeak {
  rss: number;
  heapUsed: number;
  liveGroups: number;
}

function sample(peak: MemoryPeak, engine: CorrelationEngine<unknown>): void {
  const memory = process.memoryUsage();
  peak.rss = Math.max(peak.rss, memory.rss);
  peak.heapUsed = Math.max(peak.heapUsed, memory.heapUsed);
  peak.liveGroups = Math.max(peak.liveGroups, engine.stats.liveGroups);
}

/** Reads the JSONL file in chunks and hands each parsed line to `onEvent`. */
function readEvents(file: string, onEvent: (event: FlatEvent<unknown>, index: number) => void): number {
  const descriptor = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(8 * 1024 * 1024);
  let carry = '';
  let count = 0;
  for (;;) {
    const read = readSync(descriptor, chunk, 0, chunk.length, null);
    if (read === 0) break;
    const text = carry + chunk.toString('utf8', 0, read);
    let start = 0;
    for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) {
        const parsed = JSON.parse(text.slice(start, end)) as { time: number; fields: EventFields };
        onEvent({ time: parsed.time, fields: parsed.fields, ref: parsed }, count);
        count += 1;
      }
      start = end + 1;
    }
    carry = text.slice(start);
  }
  closeSync(descriptor);
  return count;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export async function run(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'defenseclaw-bench-correlate-'));
  try {
    const file = join(directory, 'events.jsonl');
    const fileBytes = writeEvents(file);
    const ruleSet: CompiledRuleSet = compileRuleSet(parseRuleCollection(ruleText(), 'bench-rules.yaml'));
    const detectionRules = ruleSet.detections.length;
    const correlationRules = ruleSet.correlations.length;

    // 1. End to end: read + JSON.parse + match + correlate.
    collectGarbage();
    const baseline = process.memoryUsage();
    const peak: MemoryPeak = { rss: baseline.rss, heapUsed: baseline.heapUsed, liveGroups: 0 };
    let correlations = 0;
    let detections = 0;
    const engine = new CorrelationEngine<unknown>(ruleSet, { onCorrelation: () => (correlations += 1), onDetection: () => (detections += 1) });
    const endToEndStart = process.hrtime.bigint();
    const events = readEvents(file, (event, index) => {
      engine.push(event);
      if (index % SAMPLE_EVERY === 0) sample(peak, engine);
    });
    const readSeconds = seconds(endToEndStart);
    sample(peak, engine);
    // What the engine still holds once garbage is gone (outside the timed run): live groups only.
    collectGarbage();
    const retainedHeap = process.memoryUsage().heapUsed - baseline.heapUsed;
    const liveGroupsAtEnd = engine.stats.liveGroups;
    const endStart = process.hrtime.bigint();
    engine.end();
    const endToEndSeconds = readSeconds + seconds(endStart);
    const stats = engine.stats;

    // 2. Correlation stage alone: record the matched events (untimed), then replay them.
    const index = new DetectionIndex(ruleSet.detections);
    const matches = new Int32Array(detectionRules);
    const routed = ruleSet.routes.map((routes) => routes.length > 0);
    const recorded: Array<{ event: FlatEvent<unknown>; rules: Int32Array }> = [];
    readEvents(file, (event) => {
      const count = index.match(event.fields, matches);
      let hit = false;
      for (let at = 0; at < count; at += 1) hit ||= routed[matches[at]!]!;
      if (hit) recorded.push({ event, rules: matches.slice(0, count) });
    });
    const stageTimes: number[] = [];
    let stageCorrelations = 0;
    for (let round = 0; round < STAGE_RUNS; round += 1) {
      collectGarbage();
      const stage = new CorrelationEngine<unknown>(ruleSet);
      const stageStart = process.hrtime.bigint();
      for (const { event, rules } of recorded) stage.correlate(event, rules, rules.length);
      stage.end();
      stageTimes.push(seconds(stageStart));
      stageCorrelations = stage.stats.correlations;
    }
    const stageSeconds = stageTimes.sort((a, b) => a - b)[Math.floor(STAGE_RUNS / 2)]!;

    const endToEndRate = Math.round(events / endToEndSeconds);
    const stageRate = Math.round(recorded.length / stageSeconds);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'correlate',
        events,
        file_mb: Number((fileBytes / 1048576).toFixed(1)),
        detection_rules: detectionRules,
        correlation_rules: correlationRules,
        end_to_end_events_per_sec: endToEndRate,
        end_to_end_seconds: Number(endToEndSeconds.toFixed(3)),
        matched_events: stats.matchedEvents,
        detections_reported: detections,
        correlations_fired: stats.correlations,
        correlations_reported: correlations,
        correlation_stage_events: recorded.length,
        correlation_stage_events_per_sec: stageRate,
        correlation_stage_runs: STAGE_RUNS,
        correlation_stage_correlations: stageCorrelations,
        peak_rss_mb: Math.round(peak.rss / 1048576),
        peak_heap_used_mb: Math.round(peak.heapUsed / 1048576),
        baseline_heap_used_mb: Math.round(baseline.heapUsed / 1048576),
        retained_heap_after_gc_mb: Number((retainedHeap / 1048576).toFixed(1)),
        live_groups_at_end: liveGroupsAtEnd,
        peak_live_groups: peak.liveGroups,
        late_events: stats.lateEvents,
        skipped_inputs: stats.skippedInputs,
        targets_met: { end_to_end_events_per_sec: endToEndRate >= 250_000, correlation_stage_events_per_sec: stageRate >= 1_000_000 },
        node: process.version,
      })}\n`,
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
