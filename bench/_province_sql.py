"""The SQL of `province_data.py`: INSERT … SELECT over generate_series, deterministic.

Randomness is `pg_temp.r(n, salt)`, a hash of a row's series index (or of an id, the sequences restarting at 1)
and a salt, mapped to [0, 1): the same parameters give the same rows. Statements take named parameters
(`province_data.params`), so a literal percent sign is written `%%`. Temporary tables carry what later statements
need: the regencies (`b_reg`), the desa with their range of KUBE (`b_desa`), each KUBE's plan (`b_kube`: status,
trajectory, members' range, money), the KUBE with a companion now (`b_slot`: who, since when, and who had it
before) and the companions (`b_person`). The trajectories, word lists and catalogues are the demo's."""

from pendamping.demo.build import SECTORS
from pendamping.demo.reports import REVENUE

_cum = [sum(list(SECTORS.values())[:i]) / 100 for i in range(len(SECTORS) + 1)]
_rows = [
    f"('{s}', {_cum[i]}, {_cum[i + 1]}, {', '.join(map(str, REVENUE.get(s, (1.5, 4.0))))})"
    for i, s in enumerate(SECTORS)
]
SECTOR_TABLE = "(VALUES " + ", ".join(_rows) + ") AS sec(sector, lo, hi, rlo, rhi)"
# demo.reports.trajectory_for: growth, margin, margin noise and step, IKS rate and skip chance, late and missing
# report chances, share of reports naming a problem.
KIND_TABLE = """(VALUES ('growing', .015, .035, .25, .35, .04, .002, .08, .15, 0, .03, .01, .2),
  ('stagnating', -.004, .004, .06, .15, .08, 0, .05, .10, .35, .2, .05, .35),
  ('failing', -.005, .01, .08, .16, .06, -.03, .05, .10, .1, .3, .08, .6), ('none', 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0))
  AS t(kind, glo, ghi, mlo, mhi, spread, step, ilo, ihi, skip, late, miss, pshare)"""
_F = "CREATE OR REPLACE FUNCTION pg_temp.{} LANGUAGE sql IMMUTABLE AS $$ SELECT {} $$"
FUNCTIONS = [
    _F.format("r(n bigint, salt bigint) RETURNS float8", "(hashint8extended(n, salt) & (2 ^ 52 - 1)::int8) / 2 ^ 52"),
    _F.format("ri(lo int, hi int, x float8) RETURNS int", "lo + floor(x * (hi - lo + 1))::int"),
    _F.format("pick(a text[], x float8) RETURNS text", "a[1 + floor(x * cardinality(a))::int]"),
    _F.format("day(lo date, hi date, x float8) RETURNS date", "lo + floor(x * (greatest(hi - lo, 0) + 1))::int"),
    _F.format("at(d date, h int, m int) RETURNS timestamptz", "(d + make_time(h, m, 0)) AT TIME ZONE 'Asia/Jakarta'"),
]


def name(x: str, fem: str, mad: str) -> str:
    """A name as demo.people.person_name draws one: Madurese, or Javanese with a second name for 55 %, never the
    same twice. `x` is the row's number, `fem` and `mad` SQL truth values. An expression, not a function: inlined."""
    arrays = {k: f"CASE WHEN {fem} THEN %(jav_{k}f)s::text[] ELSE %(jav_{k}m)s::text[] END" for k in ("", "2")}
    one, two = (f"pg_temp.pick({arrays[k]}, pg_temp.r({x}, {salt}))" for k, salt in (("", 93), ("2", 94)))
    madurese = f"pg_temp.pick(CASE WHEN {fem} THEN %(mad_f)s::text[] ELSE %(mad_m)s::text[] END, pg_temp.r({x}, 91))"
    return f"""CASE WHEN {mad} THEN {madurese} WHEN pg_temp.r({x}, 92) < .45 THEN {one}
      ELSE {one} || coalesce(' ' || nullif({two}, {one}), '') END"""


MADURESE = "coalesce((%(madurese)s::jsonb ->> reg)::float8, .03)"
NIK = "kdigits || to_char(extract(day FROM born) + CASE WHEN fem THEN 40 ELSE 0 END, 'FM00') || to_char(born, 'MMYY')"

SETUP = [
    """CREATE TEMP TABLE b_reg AS SELECT r.code AS reg, r.name, (row_number() OVER (ORDER BY r.code) - 1)::int AS i,
       (SELECT count(*) FROM regions_region d WHERE d.level = 'desa_kelurahan' AND left(d.code, 5) = r.code)::int AS rn
     FROM regions_region r WHERE r.level = 'kabupaten_kota'""",
    """CREATE TEMP TABLE b_desa AS
     WITH d AS (SELECT code, parent_id AS kec, left(code, 5) AS reg, (50 + floor(101 * pg_temp.r(n, 1)))::int AS w
                FROM (SELECT *, row_number() OVER (ORDER BY code) AS n FROM regions_region
                      WHERE level = 'desa_kelurahan') x),
          c AS (SELECT *, sum(w) OVER (ORDER BY code) AS cum, sum(w) OVER () AS tot FROM d)
     SELECT code, kec, reg, replace(code, '.', '') AS digits, replace(kec, '.', '') AS kdigits,
       (row_number() OVER (PARTITION BY reg ORDER BY code) - 1)::int AS ri,
       (%(groups)s * (cum - w) / tot)::int AS g_lo, (%(groups)s * cum / tot)::int AS g_hi FROM c""",
    f"""CREATE TEMP TABLE b_kube AS
     WITH k AS (SELECT g + 1 AS id, g, d.code AS desa, d.digits, d.kdigits, d.reg, g - d.g_lo + 1 AS seq,
                  min(d.g_lo) OVER (PARTITION BY d.kec) AS kg_lo, pg_temp.r(g, 2) AS xs, pg_temp.r(g, 3) AS xt
                FROM b_desa d, generate_series(d.g_lo, d.g_hi - 1) AS g),
     s AS (SELECT k.*, CASE WHEN xs < .85 THEN 'active' WHEN xs < .91 THEN 'forming' WHEN xs < .96 THEN 'inactive'
              ELSE 'graduated' END AS status, CASE WHEN xs >= .96 THEN 'growing' WHEN xs >= .91 THEN 'failing'
              WHEN xs >= .85 THEN 'none' WHEN xt < .38 THEN 'growing' WHEN xt < .9 THEN 'stagnating' ELSE 'failing' END
              AS kind, CASE WHEN xs BETWEEN .85 AND .91 THEN pg_temp.day(%(ref)s::date - 300, %(ref)s::date - 30,
              pg_temp.r(g, 4)) ELSE pg_temp.day('2021-06-01', '2025-03-31', pg_temp.r(g, 4)) END AS founded,
              CASE WHEN xs >= .96 THEN floor(%(months)s * (.5 + .45 * pg_temp.r(g, 10))) WHEN xs >= .91
              THEN floor(%(months)s * (.25 + .6 * pg_temp.r(g, 10))) ELSE %(months)s END::int AS stop FROM k)
     SELECT s.*, sec.sector, t.spread, t.step, t.skip, t.late, t.miss, t.pshare,
       %(families)s::bigint * g / %(groups)s AS f_lo, %(families)s::bigint * (g + 1) / %(groups)s AS f_hi,
       %(families)s::bigint * kg_lo / %(groups)s AS kf_lo, CASE WHEN kind <> 'failing' THEN %(months)s + 1
         WHEN status = 'inactive' THEN greatest(0, stop - 3 - floor(6 * pg_temp.r(g, 11)))
         ELSE stop - 2 - floor(5 * pg_temp.r(g, 11)) END AS decline,
       CASE WHEN status IN ('inactive', 'graduated') THEN least(%(ref)s::date - 1, (%(first)s::date
           + make_interval(months => stop))::date + pg_temp.ri(4, 24, pg_temp.r(g, 12)))
         WHEN status = 'active' THEN least(%(ref)s::date - 1, founded + pg_temp.ri(30, 200, pg_temp.r(g, 12))) END
         AS changed,
       (rlo + (rhi - rlo) * pg_temp.r(g, 6)) * 1e6 AS base, glo + (ghi - glo) * pg_temp.r(g, 13) AS growth,
       mlo + (mhi - mlo) * pg_temp.r(g, 14) AS margin, ilo + (ihi - ilo) * pg_temp.r(g, 15) AS irate,
       500000 * (40 + floor(21 * pg_temp.r(g, 7)))::bigint AS amount, .75 + .2 * pg_temp.r(g, 16) AS a0,
       (.5 + 1.5 * pg_temp.r(g, 17)) * 1e6 AS c0
     FROM s JOIN {SECTOR_TABLE} ON pg_temp.r(g, 5) >= sec.lo AND pg_temp.r(g, 5) < sec.hi
       JOIN {KIND_TABLE} USING (kind)""",
    "CREATE UNIQUE INDEX ON b_kube (id)",
    "ANALYZE b_kube",
]

GROUPS = [
    """INSERT INTO registry_group (id, code, name, desa_id, regency_id, sector, sector_other, founded_on, status,
       bank_name, bank_account_number, bank_account_name, status_changed_on, status_reason, version, created_at,
       updated_at)
     SELECT id, digits || '-' || to_char(seq, 'FM000'), name, desa, reg, sector,
       CASE WHEN sector = 'other' THEN pg_temp.pick(%(other_sectors)s, pg_temp.r(g, 21)) ELSE '' END, founded, status,
       CASE WHEN status = 'forming' THEN '' ELSE (%(banks)s::text[])[b] END, CASE WHEN status = 'forming' THEN ''
         ELSE to_char(floor(pg_temp.r(g, 23) * 10 ^ digs), 'FM' || repeat('0', digs)) END,
       CASE WHEN status = 'forming' THEN '' ELSE name END, changed, CASE status
         WHEN 'inactive' THEN pg_temp.pick(%(inactive_reasons)s, pg_temp.r(g, 24))
         WHEN 'graduated' THEN pg_temp.pick(%(graduated_reasons)s, pg_temp.r(g, 24)) ELSE '' END,
       1, pg_temp.at(founded, 9, 0), pg_temp.at(coalesce(changed, founded), 9, 0)
     FROM b_kube, LATERAL (SELECT 'KUBE ' || pg_temp.pick(%(kube_first)s, pg_temp.r(g, 25)) || ' '
         || pg_temp.pick(%(kube_second)s, pg_temp.r(g, 26)) AS name, 1 + (x >= .5)::int + (x >= .75)::int
         + (x >= .85)::int + (x >= .95)::int AS b FROM (SELECT pg_temp.r(g, 22) AS x) x) n,
       LATERAL (SELECT (%(bank_digits)s::int[])[b] AS digs) d""",
]

FAMILIES = [
    f"""INSERT INTO registry_family (id, nik, kk_number, head_name, sex, birth_date, address, rt, rw, desa_id,
       regency_id, household_size, monthly_income, dtks_id, welfare_decile, decile_as_of, status, version, created_at,
       updated_at)
     SELECT f + 1, {NIK} || sn, kdigits || to_char(pg_temp.day('2006-01-01', %(ref)s, pg_temp.r(f, 14)), 'DDMMYY')
       || sn,
       {name("f", "fem", f"pg_temp.r(f, 13) < {MADURESE}")}, CASE WHEN fem THEN 'F' ELSE 'M' END, born,
       CASE WHEN substr(reg, 4, 1) = '7' THEN 'Jl. ' || pg_temp.pick(%(streets)s, pg_temp.r(f, 15)) || ' No. '
         || pg_temp.ri(1, 120, pg_temp.r(f, 16)) ELSE 'Dusun ' || pg_temp.pick(%(dusun)s, pg_temp.r(f, 15)) END,
       to_char(pg_temp.ri(1, 15, pg_temp.r(f, 17)), 'FM000'), to_char(pg_temp.ri(1, 9, pg_temp.r(f, 18)), 'FM000'),
       desa, reg, 1 + (x >= .05)::int + (x >= .15)::int + (x >= .33)::int + (x >= .57)::int + (x >= .77)::int
         + (x >= .89)::int + (x >= .96)::int, 50000 * pg_temp.ri(6, 60, pg_temp.r(f, 19)),
       digits || sn || to_char(floor(100 * pg_temp.r(f, 20)), 'FM00'),
       1 + (pg_temp.r(f, 21) >= .3)::int + (pg_temp.r(f, 21) >= .6)::int + (pg_temp.r(f, 21) >= .85)::int,
       (ARRAY['2024-06-30', '2025-02-01', '2025-07-01']::date[])[pg_temp.ri(1, 3, pg_temp.r(f, 22))],
       CASE WHEN status = 'graduated' AND pg_temp.r(f, 23) < .7 THEN 'graduated'
         WHEN status = 'inactive' AND pg_temp.r(f, 23) < .3 THEN 'inactive' ELSE 'active' END,
       1, pg_temp.at(founded, 9, 0), pg_temp.at(founded, 9, 0)
     FROM (SELECT k.*, f, to_char(f - kf_lo + 1, 'FM0000') AS sn, pg_temp.r(f, 11) < .27 AS fem,
             %(ref)s::date - pg_temp.ri(8036, 27028, pg_temp.r(f, 12)) AS born, pg_temp.r(f, 24) AS x
           FROM b_kube k, generate_series(k.f_lo, k.f_hi - 1) AS f) p""",
    """INSERT INTO registry_membership (id, group_id, family_id, role, joined_on, left_on, left_reason)
     SELECT f + 1, id, f + 1, CASE f - f_lo WHEN 0 THEN 'ketua' WHEN 1 THEN 'sekretaris' WHEN 2 THEN 'bendahara'
         ELSE 'anggota' END, CASE WHEN f - f_lo >= 3 AND pg_temp.r(f, 31) < .2
         THEN pg_temp.day(founded, %(ref)s::date - 1, pg_temp.r(f, 32)) ELSE founded END, NULL, ''
     FROM b_kube, generate_series(f_lo, f_hi - 1) AS f""",
]

GRANTS = [
    """CREATE TEMP TABLE b_grant AS
     SELECT k.id, k.g, k.status, k.amount, y.year, greatest(k.founded, make_date(y.year, 1, 1)) AS first_day,
       least(make_date(y.year, 12, 31), %(ref)s::date - 1) AS last_day, CASE WHEN k.status = 'forming' THEN 'new'
         WHEN pg_temp.r(g, 41) < .6 THEN 'single' WHEN pg_temp.r(g, 41) < .9 THEN 'split' ELSE 'pending' END AS plan
     FROM b_kube k, LATERAL (SELECT CASE WHEN k.status = 'forming' THEN extract(year FROM %(ref)s::date)::int
       ELSE least(extract(year FROM %(ref)s::date)::int, greatest(2022, extract(year FROM k.founded)::int
         + (pg_temp.r(g, 42) < .34)::int)) END AS year) y""",
    """INSERT INTO registry_grant (id, group_id, amount, source, year, note, version, created_at)
     SELECT id, id, amount, CASE WHEN pg_temp.r(g, 43) < .35 THEN 'apbn' WHEN pg_temp.r(g, 43) < .55 THEN 'dekon'
         WHEN pg_temp.r(g, 43) < .85 THEN 'apbd_prov' ELSE 'apbd_kab' END,
       year, 'Bantuan stimulan UEP ' || year, 1, pg_temp.at(first_day, 9, 0) FROM b_grant""",
    """INSERT INTO registry_tranche (grant_id, number, amount, disbursed_on, status, entered_by_id, approved_by_id,
       approved_at)
     SELECT id, n, CASE WHEN plan IN ('single', 'new') THEN amount WHEN n = 1 THEN first ELSE amount - first END,
       day, CASE WHEN ok THEN 'approved' ELSE 'pending' END, %(officer)s, CASE WHEN ok THEN %(admin)s END,
       CASE WHEN ok THEN pg_temp.at(least(day + pg_temp.ri(1, 6, pg_temp.r(g, 44)), %(ref)s::date - 1), 10, 0) END
     FROM (SELECT b.*, n, round(amount * .6 / 500000) * 500000 AS first, NOT (plan = 'new' OR (plan = 'pending'
             AND n = 2)) AS ok, CASE WHEN n = 1 THEN paid ELSE pg_temp.day(paid, last_day, pg_temp.r(g, 46)) END AS day
           FROM b_grant b, LATERAL (SELECT pg_temp.day(first_day, last_day, pg_temp.r(g, 45)) AS paid) p,
             generate_series(1, CASE WHEN plan IN ('single', 'new') THEN 1 ELSE 2 END) AS n) t""",
    """INSERT INTO enterprise_planitem (grant_id, description, unit, quantity, unit_price, position)
     SELECT b.id, c.item, c.unit, q.qty, greatest(50, floor(b.amount * c.share / 100.0 / q.qty / 50) * 50), c.pos
     FROM b_grant b JOIN b_kube k USING (id) JOIN jsonb_to_recordset(%(catalog)s::jsonb)
       AS c(sector text, pos int, item text, unit text, lo bigint, hi bigint, share int) ON c.sector = k.sector,
       LATERAL (SELECT CASE WHEN c.lo = 0 THEN 1 ELSE greatest(1, floor(b.amount * c.share / 100.0
         / (c.lo + (c.hi - c.lo) * pg_temp.r(b.g * 8 + c.pos, 47))))::int END AS qty) q
     WHERE b.plan <> 'new' AND pg_temp.r(b.g, 48) < .5""",
    """INSERT INTO enterprise_realisation (grant_id, plan_item_id, spent_on, amount, description, receipt_ref,
       entered_by_id, created_at)
     SELECT p.grant_id, p.id, d, round(p.total * (.8 + .2 * pg_temp.r(p.id, 49)) / 1000) * 1000, p.description,
       'NOTA/' || p.grant_id || '/' || p.position, %(officer)s, pg_temp.at(d, 11, 0)
     FROM enterprise_planitem p, LATERAL (SELECT max(disbursed_on) AS paid, bool_and(status = 'approved') AS ok
         FROM registry_tranche t WHERE t.grant_id = p.grant_id) t,
       LATERAL (SELECT least(%(ref)s::date - 1, t.paid + pg_temp.ri(5, 60, pg_temp.r(p.id, 50))) AS d) x
     WHERE t.ok AND pg_temp.r(p.id, 51) < .8""",
]

COMPANIONS = [
    """CREATE TEMP TABLE b_slot AS
     WITH k AS (SELECT id, g, reg, founded, f_hi - f_lo AS members, row_number() OVER (ORDER BY reg, id) - 1 AS n
                FROM b_kube WHERE status IN ('active', 'forming')),
     r AS (SELECT reg, min(n) AS s, max(n) + 1 AS e FROM k GROUP BY reg),
     c AS (SELECT r.*, %(active)s * s / tot AS c_lo, %(active)s * e / tot AS c_hi
           FROM r, (SELECT count(*) AS tot FROM k) t),
     x AS (SELECT k.*, c.c_lo, (c.c_hi - c.c_lo)::int AS cnt, c.c_lo + (k.n - c.s) * (c.c_hi - c.c_lo) / (c.e - c.s)
             AS pos, b.i AS ri, ceil(greatest(0, %(inactive)s - b.i) / %(nreg)s::numeric)::int AS icnt,
             least(%(ref)s::date - 1, k.founded + pg_temp.ri(7, 60, pg_temp.r(k.g, 51))) AS start0
           FROM k JOIN c USING (reg) JOIN b_reg b USING (reg) WHERE c.c_hi > c.c_lo),
     h AS (SELECT x.*, pos + 1 AS cur, CASE WHEN pg_temp.r(g, 52) >= .15 THEN NULL
             WHEN icnt > 0 AND (pg_temp.r(g, 53) < .5 OR cnt < 2)
               THEN %(active)s + 1 + ri + %(nreg)s * floor(icnt * pg_temp.r(g, 54))::int
             WHEN cnt >= 2 THEN c_lo + mod(pos - c_lo + 1, cnt) + 1 END AS prev FROM x),
     e AS (SELECT h.*, CASE WHEN prev > %(active)s THEN %(first)s::date + 30 + floor(pg_temp.r(prev, 47)
             * (%(ref)s::date - %(first)s::date - 120))::int
             ELSE pg_temp.day(%(first)s::date + 30, %(ref)s::date - 60, pg_temp.r(g, 55)) END AS hand FROM h)
     SELECT id, g, reg, members, cur, c_lo, cnt, row_number() OVER (ORDER BY id) - 1 AS sn,
       CASE WHEN ok THEN hand + 1 ELSE start0 END AS cur_start, CASE WHEN ok THEN prev END AS prev,
       CASE WHEN ok THEN start0 END AS prev_start, CASE WHEN ok THEN hand END AS prev_end
     FROM e, LATERAL (SELECT prev IS NOT NULL AND hand > start0 + 30 AS ok) o""",
    "CREATE UNIQUE INDEX ON b_slot (sn)",
    "ANALYZE b_slot",
    f"""CREATE TEMP TABLE b_person AS
     WITH p AS (SELECT c + 1 AS id, reg, 'active' AS status FROM (SELECT DISTINCT reg, c_lo, cnt FROM b_slot) s,
                  generate_series(c_lo, c_lo + cnt - 1) AS c
                UNION ALL
                SELECT %(active)s + j + 1, b.reg, 'inactive'
                FROM generate_series(0, %(inactive)s - 1) AS j JOIN b_reg b ON b.i = mod(j, %(nreg)s)),
     q AS (SELECT p.*, d.code AS home, d.kec, d.kdigits, pg_temp.r(id, 61) < .45 AS fem,
             %(ref)s::date - pg_temp.ri(8400, 15700, pg_temp.r(id, 62)) AS born, pg_temp.r(id, 65) AS x
           FROM p JOIN b_reg b USING (reg) JOIN b_desa d ON d.reg = p.reg AND d.ri = floor(b.rn * pg_temp.r(p.id, 60)))
     SELECT q.*, {NIK} || to_char(10000 - row_number() OVER (PARTITION BY kec ORDER BY id), 'FM0000') AS nik,
       {name("-id", "fem", f"pg_temp.r(id, 63) < {MADURESE}")} AS name,
       CASE WHEN x < .05 THEN 's2' WHEN x < .45 THEN 's1' WHEN x < .65 THEN 'diploma' ELSE 'sma' END AS education,
       '08' || to_char(floor(1e10 * pg_temp.r(id, 64)), 'FM0000000000') AS phone
     FROM q""",
    """INSERT INTO companions_companion (id, nik, name, sex, birth_date, education, phone, home_desa_id, regency_id,
       status, caseload_limit, user_id, version, created_at, updated_at)
     SELECT id, nik, name, CASE WHEN fem THEN 'F' ELSE 'M' END, born, education, phone, home, reg, status,
       CASE WHEN status = 'active' THEN least(30, greatest(20, coalesce(load, 0) + 2)) ELSE 10 END, NULL, 1, t, t
     FROM b_person LEFT JOIN (SELECT cur, count(*) AS load FROM b_slot GROUP BY cur) l ON l.cur = id,
       LATERAL (SELECT pg_temp.at(pg_temp.day('2017-06-01', '2019-06-30', pg_temp.r(id, 66)), 9, 0) AS t) s""",
    """INSERT INTO companions_assignment (companion_id, group_id, started_on, ended_on, end_reason)
     SELECT cur, id, cur_start, NULL, '' FROM b_slot UNION ALL
     SELECT prev, id, prev_start, prev_end, CASE WHEN prev > %(active)s THEN 'Pendamping berhenti bertugas'
       ELSE 'Rotasi beban dampingan' END FROM b_slot WHERE prev IS NOT NULL""",
]

_SEASON = """CASE WHEN extract(month FROM period) IN (12, 1, 2) THEN .92 ELSE 1 END * CASE WHEN sector = 'livestock'
    THEN coalesce((%(adha)s::jsonb ->> to_char(period, 'YYYY-MM'))::float8, 1) WHEN sector IN ('agriculture',
    'fisheries') AND extract(month FROM period) IN (3, 4, 8) THEN 1.3 WHEN sector IN ('food', 'trade', 'processing',
    'crafts') THEN coalesce((%(lebaran)s::jsonb ->> to_char(period, 'YYYY-MM'))::float8, 1) ELSE 1 END"""
REPORTS = [
    f"""INSERT INTO enterprise_monthlyreport (group_id, regency_id, period, revenue, operating_costs, capital_assets,
       cash_savings, members_active, meetings_held, iks_collected, problems, submitted_by_id, submitted_at, version,
       updated_at)
     SELECT id, reg, period, rev, cost, greatest(0, round(amount * a0 * CASE kind WHEN 'growing' THEN 1 + .012 * i
         WHEN 'stagnating' THEN 1 - .002 * i ELSE 1 - .002 * i - .03 * falling END / 10000) * 10000),
       greatest(0, round((c0 + rev * CASE kind WHEN 'growing' THEN .04 * i WHEN 'stagnating' THEN .008 * i
         ELSE .008 * i - .08 * falling END) / 1000) * 1000),
       greatest(least(2, members), members - CASE WHEN kind = 'growing' THEN (pg_temp.r(x, 34) < .1)::int
         WHEN falling = 0 THEN floor(4 * pg_temp.r(x, 34))::int ELSE 1 + falling END),
       CASE WHEN kind = 'growing' THEN pg_temp.ri(2, 4, pg_temp.r(x, 35)) WHEN falling = 0
         THEN pg_temp.ri(0, 2, pg_temp.r(x, 35)) ELSE greatest(0, 2 - falling / 2 - (pg_temp.r(x, 35) < .5)::int) END,
       CASE WHEN rev > cost AND falling <= 1 AND pg_temp.r(x, 36) >= skip
         THEN round((rev - cost) * irate / 1000) * 1000 ELSE 0 END,
       CASE WHEN pg_temp.r(x, 37) < pshare AND (kind <> 'failing' OR falling > 0) THEN pg_temp.pick(CASE kind
         WHEN 'growing' THEN %(problems_g)s::text[] WHEN 'stagnating' THEN %(problems_s)s::text[]
         ELSE %(problems_f)s::text[] END, pg_temp.r(x, 38)) ELSE '' END, NULL, sub, 1, sub
     FROM (SELECT k.*, i, x, period, falling, members, rev, round(rev * (1 - mg) / 1000) * 1000 AS cost,
             pg_temp.at(least(%(ref)s::date - 1, CASE WHEN pg_temp.r(x, 32) < late
               THEN (period + make_interval(months => 1 + (pg_temp.r(x, 33) < .25)::int))::date
                 + pg_temp.ri(10, 20, pg_temp.r(x, 39))
               ELSE (period + interval '1 month')::date + pg_temp.ri(0, 9, pg_temp.r(x, 39)) END),
               pg_temp.ri(7, 20, pg_temp.r(x, 40)), pg_temp.ri(0, 59, pg_temp.r(x, 41))) AS sub
           FROM b_kube k, generate_series(0, %(months)s - 1) AS i,
             LATERAL (SELECT k.id * 64 + i AS x, (%(first)s::date + make_interval(months => i))::date AS period,
               greatest(0, i - k.decline + 1) AS falling, k.f_hi - k.f_lo AS members) p,
             LATERAL (SELECT round(base * (1 + growth) ^ i * .92 ^ falling * (.9 + .2 * pg_temp.r(x, 30)) * {_SEASON}
               / 1000) * 1000 AS rev, greatest(CASE WHEN kind = 'growing' THEN .12 ELSE -1 END, margin
               + spread * (2 * pg_temp.r(x, 31) - 1) + step * CASE WHEN kind = 'failing' THEN falling ELSE i END)
               AS mg) v
           WHERE k.status <> 'forming' AND i < k.stop AND period >= k.founded AND pg_temp.r(x, 42) >= k.miss) s""",
    """INSERT INTO enterprise_iksentry (group_id, kind, "on", amount, report_id, purpose, recipient, note,
       entered_by_id, created_at)
     SELECT group_id, 'in', (period + interval '1 month' - interval '1 day')::date, iks_collected, id, '', '', '', NULL,
       submitted_at FROM enterprise_monthlyreport WHERE iks_collected > 0""",
    # Uses: each at most 30 % of what came in before its day, so the balance never goes below zero.
    """INSERT INTO enterprise_iksentry (group_id, kind, "on", amount, purpose, recipient, note, entered_by_id,
       created_at)
     SELECT id, 'out', d, amt, pg_temp.pick(%(iks_purposes)s, pg_temp.r(x, 88)), (SELECT head_name FROM registry_family
         WHERE registry_family.id = k.f_lo + 1 + floor((k.f_hi - k.f_lo) * pg_temp.r(x, 89))::int), '', NULL,
       pg_temp.at(d, 10, 0)
     FROM b_kube k, generate_series(1, pg_temp.ri(1, 3, pg_temp.r(k.g, 86))) AS u,
       LATERAL (SELECT k.g * 4 + u AS x) y, LATERAL (SELECT pg_temp.day(%(first)s::date + 60, %(ref)s::date - 1,
         pg_temp.r(x, 87)) AS d) z, LATERAL (SELECT round(.3 * pg_temp.r(x, 90) * (SELECT coalesce(sum(iks_collected),
         0) FROM enterprise_monthlyreport r WHERE r.group_id = k.id AND r.period < z.d - 31) / 10000) * 10000 AS amt) a
     WHERE k.status <> 'forming' AND pg_temp.r(k.g, 85) < .35 AND amt >= 50000""",
    """INSERT INTO enterprise_welfarerecord (family_id, group_id, kind, recorded_on, monthly_income, welfare_decile,
       note, entered_by_id, created_at)
     SELECT f.id, k.id, 'joining', m.joined_on, greatest(100000, round(f.monthly_income * CASE k.kind
         WHEN 'growing' THEN .55 + .25 * x WHEN 'stagnating' THEN .87 + .21 * x WHEN 'failing' THEN 1.02 + .31 * x
         ELSE .95 + .1 * x END / 10000) * 10000), f.welfare_decile, '', NULL, pg_temp.at(m.joined_on, 10, 0)
     FROM registry_membership m JOIN registry_family f ON f.id = m.family_id JOIN b_kube k ON k.id = m.group_id,
       LATERAL (SELECT pg_temp.r(f.id, 95) AS x) r""",
    """INSERT INTO enterprise_welfarerecord (family_id, group_id, kind, recorded_on, monthly_income, welfare_decile,
       note, entered_by_id, created_at)
     SELECT m.family_id, m.group_id, 'update', d, f.monthly_income, f.welfare_decile,
       pg_temp.pick(%(welfare_notes)s, pg_temp.r(m.id, 96)), NULL, pg_temp.at(d, 10, 0)
     FROM registry_membership m JOIN registry_family f ON f.id = m.family_id,
       LATERAL (SELECT pg_temp.day(m.joined_on + 180, %(ref)s::date - 1, pg_temp.r(m.id, 97)) AS d) x
     WHERE m.joined_on <= %(ref)s::date - 181 AND pg_temp.r(m.id, 98) < .65""",
]

VISITS = [
    """INSERT INTO companions_visit (companion_id, group_id, regency_id, "on", as_resource, as_motivator,
       as_facilitator, topics, topic_other, members_present, problems, client_key, created_by_id, created_at)
     SELECT CASE WHEN s.prev IS NOT NULL AND d <= s.prev_end THEN s.prev ELSE s.cur END, s.id, s.reg, d, res,
       mot OR NOT (res OR fac), fac, (SELECT jsonb_agg(DISTINCT t) FROM unnest(ARRAY[CASE WHEN finding > 0
         THEN (%(finding_topics)s::text[])[finding] END, pg_temp.pick(%(topics)s, pg_temp.r(i, 72)),
         CASE WHEN pg_temp.r(i, 73) < .4 THEN pg_temp.pick(%(topics)s, pg_temp.r(i, 74)) END]) AS t
         WHERE t IS NOT NULL),
       '', least(s.members, pg_temp.ri(4, 10, pg_temp.r(i, 75))), coalesce((%(finding_problems)s::text[])[finding], ''),
       NULL, NULL, pg_temp.at(d, pg_temp.ri(8, 16, pg_temp.r(i, 76)), pg_temp.ri(0, 59, pg_temp.r(i, 77)))
     FROM generate_series(0, %(visits)s - 1) AS i JOIN b_slot s ON s.sn = mod(i, %(slots)s),
       LATERAL (SELECT pg_temp.day(greatest(%(first)s::date, coalesce(s.prev_start, s.cur_start)), %(ref)s::date - 1,
         pg_temp.r(i, 71)) AS d, pg_temp.r(i, 78) < .55 AS res, pg_temp.r(i, 79) < .6 AS mot,
         pg_temp.r(i, 80) < .45 AS fac, CASE WHEN pg_temp.r(i, 81) < .3
           THEN pg_temp.ri(1, cardinality(%(finding_problems)s::text[]), pg_temp.r(i, 82)) ELSE 0 END AS finding) v""",
    """INSERT INTO companions_followup (visit_id, action, due_on, done_on, note)
     SELECT id, (%(finding_actions)s::text[])[array_position(%(finding_problems)s::text[], problems)], due,
       CASE WHEN pg_temp.r(id, 83) < .8 AND "on" + 1 < %(ref)s::date THEN least(%(ref)s::date - 1,
         "on" + pg_temp.ri(1, due - "on" + 10, pg_temp.r(id, 84))) END, ''
     FROM (SELECT v.*, v."on" + pg_temp.ri(7, 30, pg_temp.r(v.id, 85)) AS due FROM companions_visit v
           WHERE v.problems <> '') x""",
]

_SCOPES = ("capital", "marketing", "training", "supply", "mentoring")
PARTNERS = [
    f"""INSERT INTO partnerships_partner (name, type, sector, regency_id, contact_name, phone, email, address, version,
       created_at)
     SELECT p.name || coalesce(' ' || b.name, ''), p.type, p.sector, b.reg, {name("-x", "false", "false")},
       '031' || to_char(floor(1e7 * pg_temp.r(x, 101)), 'FM0000000'), '', coalesce('Kantor ' || b.name, 'Surabaya'),
       1, pg_temp.at(%(first)s::date - 400, 9, 0)
     FROM jsonb_to_recordset(%(partners)s::jsonb) AS p(k int, name text, type text, sector text, local bool),
       LATERAL (SELECT reg, name, i FROM b_reg WHERE p.local AND pg_temp.r(100 * p.k + i, 102) < .75
                UNION ALL SELECT NULL, NULL, NULL WHERE NOT p.local) b,
       LATERAL (SELECT 100 * p.k + coalesce(b.i, 99) AS x) x""",
    f"""INSERT INTO partnerships_agreement (partner_id, regency_id, title, {", ".join(f"scope_{s}" for s in _SCOPES)},
       start_on, end_on, value, document_ref, created_by_id, version, created_at)
     SELECT p.id, b.reg, t.title || ' ' || b.name, {", ".join(f"t.scopes LIKE '%%{s}%%'" for s in _SCOPES)}, s,
       s + pg_temp.ri(365, 1095, pg_temp.r(x, 104)), CASE WHEN t.scopes LIKE '%%capital%%'
         THEN 50000000 * pg_temp.ri(1, 10, pg_temp.r(x, 105)) END, 'PKS/' || x || '/' || extract(year FROM s),
       %(admin)s, 1, pg_temp.at(s, 9, 0)
     FROM partnerships_partner p JOIN jsonb_to_recordset(%(partners)s::jsonb) AS t(sector text, scopes text, title text)
         ON t.sector = p.sector
       JOIN b_reg b ON b.reg = p.regency_id OR (p.regency_id IS NULL AND pg_temp.r(100 * p.id + b.i, 103) < .5),
       LATERAL (SELECT 100 * p.id + b.i AS x, pg_temp.day('2023-01-01', %(ref)s::date - 60,
         pg_temp.r(100 * p.id + b.i, 106)) AS s) d""",
    """INSERT INTO partnerships_agreement_groups (agreement_id, group_id)
     SELECT a.id, k.id FROM partnerships_agreement a JOIN b_kube k ON k.reg = a.regency_id AND k.status = 'active'
     WHERE pg_temp.r(64 * k.g + a.id, 107) < .07""",
    """INSERT INTO enterprise_periodlock (regency_id, period, locked_by_id, locked_at)
     SELECT reg, p::date, %(officer)s, pg_temp.at((p + interval '2 months')::date + 3, 9, 0)
     FROM b_reg, generate_series(%(first)s::date, %(last)s::date - interval '2 months', interval '1 month') AS p""",
]

# Eight quarters of every active companion with KUBE: ratings and the data part drawn around the companion's quality,
# which rises a little each quarter; the score and "performing well" computed as the appraisal rules do.
APPRAISALS = [
    """CREATE TEMP TABLE b_appr AS
     SELECT row_number() OVER (ORDER BY q.period, c.id) AS id, c.id AS companion, c.regency_id AS reg, q.period, q.qi,
       a.n::int AS n, least(.97, greatest(.05, .34 + .45 * pg_temp.r(c.id, 130) + .009 * q.qi
         + .1 * (pg_temp.r(8 * c.id + q.qi, 131) - .5))) AS quality
     FROM companions_companion c
       JOIN (SELECT companion_id, count(*) AS n FROM companions_assignment WHERE ended_on IS NULL GROUP BY 1) a
         ON a.companion_id = c.id,
       LATERAL (SELECT qi, (%(quarter0)s::date + make_interval(months => 3 * qi))::date AS period
                FROM generate_series(0, 7) AS qi) q
     WHERE c.status = 'active'""",
    """CREATE TEMP TABLE b_line AS
     SELECT a.id, a.qi, i.id AS indicator, i.role, i.rule, i.label, i.weight, i.position, 3 * a.n AS km, a.n AS kube,
       greatest(1, a.n / 4) AS due, CASE WHEN i.role <> 'data' THEN least(4, greatest(1, round(1 + 3 * (a.quality
         + .5 * (pg_temp.r(16 * a.id + i.id, 132) - .5)))))::int END AS rating,
       least(1, greatest(0, a.quality + .3 * (pg_temp.r(16 * a.id + i.id, 133) - .5))) AS p
     FROM b_appr a JOIN companions_appraisalindicator i ON i.rubric_id = %(appraisal_rubric)s""",
    """CREATE TEMP TABLE b_json AS
     SELECT l.id, l.indicator, l.role, l.position, l.weight, l.rating, o.pts, jsonb_build_object('indicator',
         l.indicator, 'role', l.role, 'rule', l.rule, 'label', l.label, 'weight', l.weight::text, 'value', o.v,
         'points', o.pts::text, 'note', o.note, 'params', o.params, 'rating', l.rating)
       || CASE WHEN l.role = 'data' THEN jsonb_build_object('target', CASE WHEN l.rule = 'visits_per_month'
         THEN 1.0 END) ELSE '{}' END AS line
     FROM b_line l, LATERAL (SELECT round(least(2.5, 1.3 * p)::numeric, 2) AS avg, round(km * p)::int AS on_km,
         round(kube * p)::int AS good, round(due * p)::int AS on_due) c,
       LATERAL (SELECT CASE WHEN rating IS NOT NULL THEN rating::numeric WHEN rule = 'visits_per_month' THEN avg
           WHEN rule = 'reports_on_time' THEN round(100.0 * on_km / km, 2)
           WHEN rule = 'classification_trend' THEN round(100.0 * good / kube, 2) ELSE round(100.0 * on_due / due, 2)
         END AS v, CASE WHEN rating IS NOT NULL THEN round((rating - 1) / 3.0, 4)
           WHEN rule = 'visits_per_month' THEN round(least(1, .85 * avg), 4)
           WHEN rule = 'reports_on_time' THEN round(1.0 * on_km / km, 4)
           WHEN rule = 'classification_trend' THEN round(1.0 * good / kube, 4) ELSE round(1.0 * on_due / due, 4)
         END AS pts, CASE WHEN rating IS NOT NULL THEN %(note_rated)s WHEN rule = 'visits_per_month'
           THEN %(note_visits)s WHEN rule = 'reports_on_time' THEN %(note_reports)s
           WHEN rule = 'classification_trend' THEN %(note_trend)s ELSE %(note_followups)s END AS note,
         CASE WHEN rating IS NOT NULL THEN jsonb_build_object('rating', rating)
           WHEN rule = 'visits_per_month' THEN jsonb_build_object('visits', round(avg * km)::int, 'kube_months', km,
             'average', avg, 'short', round(km * (1 - least(1, .85 * avg)))::int, 'target', 1.0)
           WHEN rule = 'reports_on_time' THEN jsonb_build_object('on_time', on_km, 'due', km,
             'late', (km - on_km) * 2 / 3, 'missing', km - on_km - (km - on_km) * 2 / 3)
           WHEN rule = 'classification_trend' THEN jsonb_build_object('good', good, 'n', kube, 'lowest', %(lowest)s,
             'rose', good / 3, 'fell', (kube - good) / 2, 'new', CASE WHEN qi = 0 THEN kube ELSE 0 END)
           ELSE jsonb_build_object('on_time', on_due, 'due', due, 'open', (due - on_due) / 2) END AS params) o""",
    """INSERT INTO companions_appraisal (id, companion_id, regency_id, period, rubric_id, status, score,
       performing_well, details, appraiser_id, version, updated_at)
     SELECT a.id, a.companion, a.reg, a.period, %(appraisal_rubric)s, 'final', s.score, s.score >= %(threshold)s,
       s.details, %(officer)s, 3, pg_temp.at((a.period + interval '3 months')::date + 13, 10, 0)
     FROM b_appr a JOIN (SELECT id, round(100 * sum(weight * pts) / sum(weight), 2) AS score, jsonb_agg(line
       ORDER BY array_position(ARRAY['resource', 'motivator', 'facilitator', 'data'], role::text), position, indicator)
       AS details FROM b_json GROUP BY id) s USING (id)""",
    "INSERT INTO companions_rating (appraisal_id, indicator_id, value) SELECT id, indicator, rating FROM b_line "
    "WHERE rating IS NOT NULL",
]
