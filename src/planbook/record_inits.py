"""The `__init__` of each record made many times a run, compiled with the
package's bytecode instead of at import: written by `records.write_inits` (`make
docs`) from the records' fields. Not edited by hand; a test fails when it differs
from the records."""


def _make_1(_set, _nothing):
    def __init__(self, id, line, start, table, row):
        self.id = id
        self.line = line
        self.start = start
        self.table = table
        self.row = row
    return __init__


def _make_2(_set, _nothing):
    def __init__(self, path, line, name):
        self.path = path
        self.line = line
        self.name = name
    return __init__


def _make_3(_set, _nothing):
    def __init__(self, sections, size, lines, by_base, position, subtree_end):
        self.sections = sections
        self.size = size
        self.lines = lines
        self.by_base = by_base
        self.position = position
        self.subtree_end = subtree_end
    return __init__


def _make_4(_set, _nothing):
    def __init__(self, sha, date, subject):
        self.sha = sha
        self.date = date
        self.subject = subject
    return __init__


def _make_5(_set, _nothing):
    def __init__(self, sha, date, subject, plan, task, reason):
        self.sha = sha
        self.date = date
        self.subject = subject
        self.plan = plan
        self.task = task
        self.reason = reason
    return __init__


def _make_6(_set, _nothing):
    def __init__(self, text, line, level):
        self.text = text
        self.line = line
        self.level = level
    return __init__


def _make_7(_set, _nothing):
    def __init__(self, type, line, end_line, token):
        self.type = type
        self.line = line
        self.end_line = end_line
        self.token = token
    return __init__


def _make_8(_set, _nothing):
    def __init__(self, where, what, text):
        _set(self, 'where', where)
        _set(self, 'what', what)
        _set(self, 'text', text)
    return __init__


def _make_9(_set, _nothing, _d0, _d1, _d2, _d3, _d4, _d5, _d6):
    def __init__(self, first_day=_d0, last_change=_d1, against=_d2, base_data=_d3, base_path=_d4, parse=_d5, _base=_d6):
        self.first_day = first_day
        self.last_change = last_change
        self.against = against
        self.base_data = base_data
        self.base_path = base_path
        self.parse = parse
        self._base = _base
    return __init__


def _make_10(_set, _nothing, _d0, _d1, _d2, _d3, _f4, _d5):
    def __init__(self, created=_d0, updated=_d1, sha=_d2, subject=_d3, authors=_nothing, commits=_d5):
        self.created = created
        self.updated = updated
        self.sha = sha
        self.subject = subject
        self.authors = _f4() if authors is _nothing else authors
        self.commits = commits
    return __init__


def _make_11(_set, _nothing, _d1, _d2):
    def __init__(self, path, outcome=_d1, problem=_d2):
        self.path = path
        self.outcome = outcome
        self.problem = problem
    return __init__


def _make_12(_set, _nothing, _d1, _d2, _d3, _d4):
    def __init__(self, path, text=_d1, source=_d2, plan=_d3, held=_d4):
        _set(self, 'path', path)
        _set(self, 'text', text)
        _set(self, 'source', source)
        _set(self, 'plan', plan)
        _set(self, 'held', held)
    return __init__


def _make_13(_set, _nothing, _d1, _f2, _d3, _d4, _d5, _f6, _f7, _d8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _d17, _f18, _d19):
    def __init__(self, path, text=_d1, lines=_nothing, has_frontmatter=_d3, frontmatter_start=_d4, frontmatter_end=_d5, fields=_nothing, meta=_nothing, body_start=_d8, root=_nothing, tables=_nothing, checklist=_nothing, code_blocks=_nothing, links=_nothing, blocks=_nothing, suppressions=_nothing, parse_findings=_nothing, doc_type=_d17, section_list=_nothing):
        self.path = path
        self.text = text
        self.lines = _f2() if lines is _nothing else lines
        self.has_frontmatter = has_frontmatter
        self.frontmatter_start = frontmatter_start
        self.frontmatter_end = frontmatter_end
        self.fields = _f6() if fields is _nothing else fields
        self.meta = _f7() if meta is _nothing else meta
        self.body_start = body_start
        self.root = _f9() if root is _nothing else root
        self.tables = _f10() if tables is _nothing else tables
        self.checklist = _f11() if checklist is _nothing else checklist
        self.code_blocks = _f12() if code_blocks is _nothing else code_blocks
        self.links = _f13() if links is _nothing else links
        self.blocks = _f14() if blocks is _nothing else blocks
        self.suppressions = _f15() if suppressions is _nothing else suppressions
        self.parse_findings = _f16() if parse_findings is _nothing else parse_findings
        self.doc_type = doc_type
        self.section_list = _f18() if section_list is _nothing else section_list
        self.section_index = _d19
    return __init__


def _make_14(_set, _nothing, _d1, _f2, _f3):
    def __init__(self, line, title=_d1, bars=_nothing, notes=_nothing):
        self.line = line
        self.title = title
        self.bars = _f2() if bars is _nothing else bars
        self.notes = _f3() if notes is _nothing else notes
    return __init__


def _make_15(_set, _nothing, _d2):
    def __init__(self, cells, line, text=_d2):
        self.cells = cells
        self.line = line
        self.text = text
    return __init__


def _make_16(_set, _nothing, _d2, _d3, _d4, _d5):
    def __init__(self, key, title, subtitle=_d2, css=_d3, href=_d4, tooltip=_d5):
        self.key = key
        self.title = title
        self.subtitle = subtitle
        self.css = css
        self.href = href
        self.tooltip = tooltip
    return __init__


def _make_17(_set, _nothing, _d2, _d3, _d4, _f5, _d6, _d7, _d8, _d9, _f10):
    def __init__(self, name, line, id=_d2, section=_d3, start=_d4, after=_nothing, days=_d6, end=_d7, tags=_d8, task=_d9, covers=_nothing):
        self.name = name
        self.line = line
        self.id = id
        self.section = section
        self.start = start
        self.after = _f5() if after is _nothing else after
        self.days = days
        self.end = end
        self.tags = tags
        self.task = task
        self.covers = _f10() if covers is _nothing else covers
    return __init__


def _make_18(_set, _nothing, _d2, _f3, _d4, _d5, _d6, _d7, _d8):
    def __init__(self, doctype, today, exists=_d2, plan_names=_nothing, references=_d4, known_types=_d5, history=_d6, facts=_d7, trace=_d8):
        self.doctype = doctype
        self.today = today
        self.exists = exists
        self.plan_names = _f3() if plan_names is _nothing else plan_names
        self.references = references
        self.known_types = known_types
        self.history = history
        self.facts = facts
        self.trace = trace
    return __init__


def _make_19(_set, _nothing, _d3):
    def __init__(self, text, url, line, column=_d3):
        self.text = text
        self.url = url
        self.line = line
        self.column = column
    return __init__


def _make_20(_set, _nothing, _d3, _d4):
    def __init__(self, checked, text, line, column=_d3, section=_d4):
        self.checked = checked
        self.text = text
        self.line = line
        self.column = column
        self.section = section
    return __init__


def _make_21(_set, _nothing, _d3, _d4, _d5):
    def __init__(self, header, rows, line, section=_d3, kind=_d4, _columns=_d5):
        self.header = header
        self.rows = rows
        self.line = line
        self.section = section
        self.kind = kind
        self._columns = _columns
    return __init__


def _make_22(_set, _nothing, _d3, _d4, _d5, _d6, _d7):
    def __init__(self, key, value, line, column=_d3, value_line=_d4, value_column=_d5, raw=_d6, style=_d7):
        self.key = key
        self.value = value
        self.line = line
        self.column = column
        self.value_line = value_line
        self.value_column = value_column
        self.raw = raw
        self.style = style
    return __init__


def _make_23(_set, _nothing, _d4):
    def __init__(self, codes, line, start, end, used=_d4):
        self.codes = codes
        self.line = line
        self.start = start
        self.end = end
        self.used = used
    return __init__


def _make_24(_set, _nothing, _d4):
    def __init__(self, info, text, line, end_line, section=_d4):
        self.info = info
        self.text = text
        self.line = line
        self.end_line = end_line
        self.section = section
    return __init__


def _make_25(_set, _nothing, _d4, _d5, _d6, _d7, _d8, _f9, _f10, _d11, _d12, _d13, _f14, _d15, _f16):
    def __init__(self, path, title, doc_type, status, checked=_d4, items=_d5, tasks_done=_d6, tasks=_d7, tasks_tracked=_d8, high_risks=_nothing, debt=_nothing, next_step=_d11, next_kind=_d12, next_task=_d13, blocked=_nothing, finished=_d15, evidence=_nothing):
        self.path = path
        self.title = title
        self.doc_type = doc_type
        self.status = status
        self.checked = checked
        self.items = items
        self.tasks_done = tasks_done
        self.tasks = tasks
        self.tasks_tracked = tasks_tracked
        self.high_risks = _f9() if high_risks is _nothing else high_risks
        self.debt = _f10() if debt is _nothing else debt
        self.next_step = next_step
        self.next_kind = next_kind
        self.next_task = next_task
        self.blocked = _f14() if blocked is _nothing else blocked
        self.finished = finished
        self.evidence = _f16() if evidence is _nothing else evidence
    return __init__


def _make_26(_set, _nothing, _d4, _d5, _f6, _d7, _d8, _d9):
    def __init__(self, level, title, number, line, end_line=_d4, heading=_d5, children=_nothing, parent=_d7, has_content=_d8, key=_d9):
        self.level = level
        self.title = title
        self.number = number
        self.line = line
        self.end_line = end_line
        self.heading = heading
        self.children = _f6() if children is _nothing else children
        self.parent = parent
        self.has_content = has_content
        self.key = key
        self.__post_init__()
    return __init__


def _make_27(_set, _nothing, _d5):
    def __init__(self, status, path, old_path, old_blob, new_blob, submodule=_d5):
        self.status = status
        self.path = path
        self.old_path = old_path
        self.old_blob = old_blob
        self.new_blob = new_blob
        self.submodule = submodule
    return __init__


def _make_28(_set, _nothing, _d7, _d8):
    def __init__(self, path, line, column, code, name, severity, message, end_line=_d7, fingerprint=_d8):
        self.path = path
        self.line = line
        self.column = column
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.end_line = end_line
        self.fingerprint = fingerprint
        self.__post_init__()
    return __init__


def _make_29(_set, _nothing, _f0, _f1):
    def __init__(self, problems=_nothing, expected=_nothing):
        self.problems = _f0() if problems is _nothing else problems
        self.expected = _f1() if expected is _nothing else expected
    return __init__


def _make_30(_set, _nothing, _f2):
    def __init__(self, id, line, tests=_nothing):
        self.id = id
        self.line = line
        self.tests = _f2() if tests is _nothing else tests
    return __init__


def _make_31(_set, _nothing, _f2, _d3):
    def __init__(self, id, line, implemented_by=_nothing, result=_d3):
        self.id = id
        self.line = line
        self.implemented_by = _f2() if implemented_by is _nothing else implemented_by
        self.result = result
    return __init__


def _make_32(_set, _nothing, _f2, _d3):
    def __init__(self, id, line, tests=_nothing, state=_d3):
        self.id = id
        self.line = line
        self.tests = _f2() if tests is _nothing else tests
        self.state = state
    return __init__


def _make_33(_set, _nothing, _f2, _f3, _d4, _d5, _d6, _d7, _d8, _d9, _d10, _d11, _d12, _d13, _d14, _f15, _d16, _d17, _d18, _d19, _d20, _d21):
    def __init__(self, plan, rel, findings=_nothing, tasks=_nothing, history=_d4, trace=_d5, uncommitted=_d6, source=_d7, facts=_d8, done=_d9, title=_d10, finished=_d11, status=_d12, written_status=_d13, lifecycle=_d14, yaml_errors=_nothing, verbatim=_d16, body=_d17, anchors=_d18, sketches=_d19, prepared=_d20, prepared_key=_d21):
        self.plan = plan
        self.rel = rel
        self.findings = _f2() if findings is _nothing else findings
        self.tasks = _f3() if tasks is _nothing else tasks
        self.history = history
        self.trace = trace
        self.uncommitted = uncommitted
        self.source = source
        self.facts = facts
        self.done = done
        self.title = title
        self.finished = finished
        self.status = status
        self.written_status = written_status
        self.lifecycle = lifecycle
        self.yaml_errors = _f15() if yaml_errors is _nothing else yaml_errors
        self.verbatim = verbatim
        self.body = body
        self.anchors = anchors
        self.sketches = sketches
        self.prepared = prepared
        self.prepared_key = prepared_key
    return __init__


def _make_34(_set, _nothing, _f2, _f3, _f4, _f5, _f6, _d7, _d8, _d9):
    def __init__(self, path, id, tasks=_nothing, tests=_nothing, criteria=_nothing, unknown_tasks=_nothing, unknown_plans=_nothing, history=_d7, tests_configured=_d8, junit=_d9):
        self.path = path
        self.id = id
        self.tasks = _f2() if tasks is _nothing else tasks
        self.tests = _f3() if tests is _nothing else tests
        self.criteria = _f4() if criteria is _nothing else criteria
        self.unknown_tasks = _f5() if unknown_tasks is _nothing else unknown_tasks
        self.unknown_plans = _f6() if unknown_plans is _nothing else unknown_plans
        self.history = history
        self.tests_configured = tests_configured
        self.junit = junit
    return __init__


def _make_35(_set, _nothing, _f3):
    def __init__(self, id, line, done, commits=_nothing):
        self.id = id
        self.line = line
        self.done = done
        self.commits = _f3() if commits is _nothing else commits
    return __init__


def _make_36(_set, _nothing, _f3, _d4):
    def __init__(self, id, title, line, depends=_nothing, done=_d4):
        self.id = id
        self.title = title
        self.line = line
        self.depends = _f3() if depends is _nothing else depends
        self.done = done
    return __init__


def _make_37(_set, _nothing, _f4, _f5):
    def __init__(self, path, title, status_before, status_now, items=_nothing, tasks=_nothing):
        self.path = path
        self.title = title
        self.status_before = status_before
        self.status_now = status_now
        self.items = _f4() if items is _nothing else items
        self.tasks = _f5() if tasks is _nothing else tasks
    return __init__


BY_SOURCE = {
    'def __make__(_set, _nothing):\n    def __init__(self, id, line, start, table, row):\n        self.id = id\n        self.line = line\n        self.start = start\n        self.table = table\n        self.row = row\n    return __init__\n': _make_1,
    'def __make__(_set, _nothing):\n    def __init__(self, path, line, name):\n        self.path = path\n        self.line = line\n        self.name = name\n    return __init__\n': _make_2,
    'def __make__(_set, _nothing):\n    def __init__(self, sections, size, lines, by_base, position, subtree_end):\n        self.sections = sections\n        self.size = size\n        self.lines = lines\n        self.by_base = by_base\n        self.position = position\n        self.subtree_end = subtree_end\n    return __init__\n': _make_3,
    'def __make__(_set, _nothing):\n    def __init__(self, sha, date, subject):\n        self.sha = sha\n        self.date = date\n        self.subject = subject\n    return __init__\n': _make_4,
    'def __make__(_set, _nothing):\n    def __init__(self, sha, date, subject, plan, task, reason):\n        self.sha = sha\n        self.date = date\n        self.subject = subject\n        self.plan = plan\n        self.task = task\n        self.reason = reason\n    return __init__\n': _make_5,
    'def __make__(_set, _nothing):\n    def __init__(self, text, line, level):\n        self.text = text\n        self.line = line\n        self.level = level\n    return __init__\n': _make_6,
    'def __make__(_set, _nothing):\n    def __init__(self, type, line, end_line, token):\n        self.type = type\n        self.line = line\n        self.end_line = end_line\n        self.token = token\n    return __init__\n': _make_7,
    "def __make__(_set, _nothing):\n    def __init__(self, where, what, text):\n        _set(self, 'where', where)\n        _set(self, 'what', what)\n        _set(self, 'text', text)\n    return __init__\n": _make_8,
    'def __make__(_set, _nothing, _d0, _d1, _d2, _d3, _d4, _d5, _d6):\n    def __init__(self, first_day=_d0, last_change=_d1, against=_d2, base_data=_d3, base_path=_d4, parse=_d5, _base=_d6):\n        self.first_day = first_day\n        self.last_change = last_change\n        self.against = against\n        self.base_data = base_data\n        self.base_path = base_path\n        self.parse = parse\n        self._base = _base\n    return __init__\n': _make_9,
    'def __make__(_set, _nothing, _d0, _d1, _d2, _d3, _f4, _d5):\n    def __init__(self, created=_d0, updated=_d1, sha=_d2, subject=_d3, authors=_nothing, commits=_d5):\n        self.created = created\n        self.updated = updated\n        self.sha = sha\n        self.subject = subject\n        self.authors = _f4() if authors is _nothing else authors\n        self.commits = commits\n    return __init__\n': _make_10,
    'def __make__(_set, _nothing, _d1, _d2):\n    def __init__(self, path, outcome=_d1, problem=_d2):\n        self.path = path\n        self.outcome = outcome\n        self.problem = problem\n    return __init__\n': _make_11,
    "def __make__(_set, _nothing, _d1, _d2, _d3, _d4):\n    def __init__(self, path, text=_d1, source=_d2, plan=_d3, held=_d4):\n        _set(self, 'path', path)\n        _set(self, 'text', text)\n        _set(self, 'source', source)\n        _set(self, 'plan', plan)\n        _set(self, 'held', held)\n    return __init__\n": _make_12,
    'def __make__(_set, _nothing, _d1, _f2, _d3, _d4, _d5, _f6, _f7, _d8, _f9, _f10, _f11, _f12, _f13, _f14, _f15, _f16, _d17, _f18, _d19):\n    def __init__(self, path, text=_d1, lines=_nothing, has_frontmatter=_d3, frontmatter_start=_d4, frontmatter_end=_d5, fields=_nothing, meta=_nothing, body_start=_d8, root=_nothing, tables=_nothing, checklist=_nothing, code_blocks=_nothing, links=_nothing, blocks=_nothing, suppressions=_nothing, parse_findings=_nothing, doc_type=_d17, section_list=_nothing):\n        self.path = path\n        self.text = text\n        self.lines = _f2() if lines is _nothing else lines\n        self.has_frontmatter = has_frontmatter\n        self.frontmatter_start = frontmatter_start\n        self.frontmatter_end = frontmatter_end\n        self.fields = _f6() if fields is _nothing else fields\n        self.meta = _f7() if meta is _nothing else meta\n        self.body_start = body_start\n        self.root = _f9() if root is _nothing else root\n        self.tables = _f10() if tables is _nothing else tables\n        self.checklist = _f11() if checklist is _nothing else checklist\n        self.code_blocks = _f12() if code_blocks is _nothing else code_blocks\n        self.links = _f13() if links is _nothing else links\n        self.blocks = _f14() if blocks is _nothing else blocks\n        self.suppressions = _f15() if suppressions is _nothing else suppressions\n        self.parse_findings = _f16() if parse_findings is _nothing else parse_findings\n        self.doc_type = doc_type\n        self.section_list = _f18() if section_list is _nothing else section_list\n        self.section_index = _d19\n    return __init__\n': _make_13,
    'def __make__(_set, _nothing, _d1, _f2, _f3):\n    def __init__(self, line, title=_d1, bars=_nothing, notes=_nothing):\n        self.line = line\n        self.title = title\n        self.bars = _f2() if bars is _nothing else bars\n        self.notes = _f3() if notes is _nothing else notes\n    return __init__\n': _make_14,
    'def __make__(_set, _nothing, _d2):\n    def __init__(self, cells, line, text=_d2):\n        self.cells = cells\n        self.line = line\n        self.text = text\n    return __init__\n': _make_15,
    'def __make__(_set, _nothing, _d2, _d3, _d4, _d5):\n    def __init__(self, key, title, subtitle=_d2, css=_d3, href=_d4, tooltip=_d5):\n        self.key = key\n        self.title = title\n        self.subtitle = subtitle\n        self.css = css\n        self.href = href\n        self.tooltip = tooltip\n    return __init__\n': _make_16,
    'def __make__(_set, _nothing, _d2, _d3, _d4, _f5, _d6, _d7, _d8, _d9, _f10):\n    def __init__(self, name, line, id=_d2, section=_d3, start=_d4, after=_nothing, days=_d6, end=_d7, tags=_d8, task=_d9, covers=_nothing):\n        self.name = name\n        self.line = line\n        self.id = id\n        self.section = section\n        self.start = start\n        self.after = _f5() if after is _nothing else after\n        self.days = days\n        self.end = end\n        self.tags = tags\n        self.task = task\n        self.covers = _f10() if covers is _nothing else covers\n    return __init__\n': _make_17,
    'def __make__(_set, _nothing, _d2, _f3, _d4, _d5, _d6, _d7, _d8):\n    def __init__(self, doctype, today, exists=_d2, plan_names=_nothing, references=_d4, known_types=_d5, history=_d6, facts=_d7, trace=_d8):\n        self.doctype = doctype\n        self.today = today\n        self.exists = exists\n        self.plan_names = _f3() if plan_names is _nothing else plan_names\n        self.references = references\n        self.known_types = known_types\n        self.history = history\n        self.facts = facts\n        self.trace = trace\n    return __init__\n': _make_18,
    'def __make__(_set, _nothing, _d3):\n    def __init__(self, text, url, line, column=_d3):\n        self.text = text\n        self.url = url\n        self.line = line\n        self.column = column\n    return __init__\n': _make_19,
    'def __make__(_set, _nothing, _d3, _d4):\n    def __init__(self, checked, text, line, column=_d3, section=_d4):\n        self.checked = checked\n        self.text = text\n        self.line = line\n        self.column = column\n        self.section = section\n    return __init__\n': _make_20,
    'def __make__(_set, _nothing, _d3, _d4, _d5):\n    def __init__(self, header, rows, line, section=_d3, kind=_d4, _columns=_d5):\n        self.header = header\n        self.rows = rows\n        self.line = line\n        self.section = section\n        self.kind = kind\n        self._columns = _columns\n    return __init__\n': _make_21,
    'def __make__(_set, _nothing, _d3, _d4, _d5, _d6, _d7):\n    def __init__(self, key, value, line, column=_d3, value_line=_d4, value_column=_d5, raw=_d6, style=_d7):\n        self.key = key\n        self.value = value\n        self.line = line\n        self.column = column\n        self.value_line = value_line\n        self.value_column = value_column\n        self.raw = raw\n        self.style = style\n    return __init__\n': _make_22,
    'def __make__(_set, _nothing, _d4):\n    def __init__(self, codes, line, start, end, used=_d4):\n        self.codes = codes\n        self.line = line\n        self.start = start\n        self.end = end\n        self.used = used\n    return __init__\n': _make_23,
    'def __make__(_set, _nothing, _d4):\n    def __init__(self, info, text, line, end_line, section=_d4):\n        self.info = info\n        self.text = text\n        self.line = line\n        self.end_line = end_line\n        self.section = section\n    return __init__\n': _make_24,
    'def __make__(_set, _nothing, _d4, _d5, _d6, _d7, _d8, _f9, _f10, _d11, _d12, _d13, _f14, _d15, _f16):\n    def __init__(self, path, title, doc_type, status, checked=_d4, items=_d5, tasks_done=_d6, tasks=_d7, tasks_tracked=_d8, high_risks=_nothing, debt=_nothing, next_step=_d11, next_kind=_d12, next_task=_d13, blocked=_nothing, finished=_d15, evidence=_nothing):\n        self.path = path\n        self.title = title\n        self.doc_type = doc_type\n        self.status = status\n        self.checked = checked\n        self.items = items\n        self.tasks_done = tasks_done\n        self.tasks = tasks\n        self.tasks_tracked = tasks_tracked\n        self.high_risks = _f9() if high_risks is _nothing else high_risks\n        self.debt = _f10() if debt is _nothing else debt\n        self.next_step = next_step\n        self.next_kind = next_kind\n        self.next_task = next_task\n        self.blocked = _f14() if blocked is _nothing else blocked\n        self.finished = finished\n        self.evidence = _f16() if evidence is _nothing else evidence\n    return __init__\n': _make_25,
    'def __make__(_set, _nothing, _d4, _d5, _f6, _d7, _d8, _d9):\n    def __init__(self, level, title, number, line, end_line=_d4, heading=_d5, children=_nothing, parent=_d7, has_content=_d8, key=_d9):\n        self.level = level\n        self.title = title\n        self.number = number\n        self.line = line\n        self.end_line = end_line\n        self.heading = heading\n        self.children = _f6() if children is _nothing else children\n        self.parent = parent\n        self.has_content = has_content\n        self.key = key\n        self.__post_init__()\n    return __init__\n': _make_26,
    'def __make__(_set, _nothing, _d5):\n    def __init__(self, status, path, old_path, old_blob, new_blob, submodule=_d5):\n        self.status = status\n        self.path = path\n        self.old_path = old_path\n        self.old_blob = old_blob\n        self.new_blob = new_blob\n        self.submodule = submodule\n    return __init__\n': _make_27,
    'def __make__(_set, _nothing, _d7, _d8):\n    def __init__(self, path, line, column, code, name, severity, message, end_line=_d7, fingerprint=_d8):\n        self.path = path\n        self.line = line\n        self.column = column\n        self.code = code\n        self.name = name\n        self.severity = severity\n        self.message = message\n        self.end_line = end_line\n        self.fingerprint = fingerprint\n        self.__post_init__()\n    return __init__\n': _make_28,
    'def __make__(_set, _nothing, _f0, _f1):\n    def __init__(self, problems=_nothing, expected=_nothing):\n        self.problems = _f0() if problems is _nothing else problems\n        self.expected = _f1() if expected is _nothing else expected\n    return __init__\n': _make_29,
    'def __make__(_set, _nothing, _f2):\n    def __init__(self, id, line, tests=_nothing):\n        self.id = id\n        self.line = line\n        self.tests = _f2() if tests is _nothing else tests\n    return __init__\n': _make_30,
    'def __make__(_set, _nothing, _f2, _d3):\n    def __init__(self, id, line, implemented_by=_nothing, result=_d3):\n        self.id = id\n        self.line = line\n        self.implemented_by = _f2() if implemented_by is _nothing else implemented_by\n        self.result = result\n    return __init__\n': _make_31,
    'def __make__(_set, _nothing, _f2, _d3):\n    def __init__(self, id, line, tests=_nothing, state=_d3):\n        self.id = id\n        self.line = line\n        self.tests = _f2() if tests is _nothing else tests\n        self.state = state\n    return __init__\n': _make_32,
    'def __make__(_set, _nothing, _f2, _f3, _d4, _d5, _d6, _d7, _d8, _d9, _d10, _d11, _d12, _d13, _d14, _f15, _d16, _d17, _d18, _d19, _d20, _d21):\n    def __init__(self, plan, rel, findings=_nothing, tasks=_nothing, history=_d4, trace=_d5, uncommitted=_d6, source=_d7, facts=_d8, done=_d9, title=_d10, finished=_d11, status=_d12, written_status=_d13, lifecycle=_d14, yaml_errors=_nothing, verbatim=_d16, body=_d17, anchors=_d18, sketches=_d19, prepared=_d20, prepared_key=_d21):\n        self.plan = plan\n        self.rel = rel\n        self.findings = _f2() if findings is _nothing else findings\n        self.tasks = _f3() if tasks is _nothing else tasks\n        self.history = history\n        self.trace = trace\n        self.uncommitted = uncommitted\n        self.source = source\n        self.facts = facts\n        self.done = done\n        self.title = title\n        self.finished = finished\n        self.status = status\n        self.written_status = written_status\n        self.lifecycle = lifecycle\n        self.yaml_errors = _f15() if yaml_errors is _nothing else yaml_errors\n        self.verbatim = verbatim\n        self.body = body\n        self.anchors = anchors\n        self.sketches = sketches\n        self.prepared = prepared\n        self.prepared_key = prepared_key\n    return __init__\n': _make_33,
    'def __make__(_set, _nothing, _f2, _f3, _f4, _f5, _f6, _d7, _d8, _d9):\n    def __init__(self, path, id, tasks=_nothing, tests=_nothing, criteria=_nothing, unknown_tasks=_nothing, unknown_plans=_nothing, history=_d7, tests_configured=_d8, junit=_d9):\n        self.path = path\n        self.id = id\n        self.tasks = _f2() if tasks is _nothing else tasks\n        self.tests = _f3() if tests is _nothing else tests\n        self.criteria = _f4() if criteria is _nothing else criteria\n        self.unknown_tasks = _f5() if unknown_tasks is _nothing else unknown_tasks\n        self.unknown_plans = _f6() if unknown_plans is _nothing else unknown_plans\n        self.history = history\n        self.tests_configured = tests_configured\n        self.junit = junit\n    return __init__\n': _make_34,
    'def __make__(_set, _nothing, _f3):\n    def __init__(self, id, line, done, commits=_nothing):\n        self.id = id\n        self.line = line\n        self.done = done\n        self.commits = _f3() if commits is _nothing else commits\n    return __init__\n': _make_35,
    'def __make__(_set, _nothing, _f3, _d4):\n    def __init__(self, id, title, line, depends=_nothing, done=_d4):\n        self.id = id\n        self.title = title\n        self.line = line\n        self.depends = _f3() if depends is _nothing else depends\n        self.done = done\n    return __init__\n': _make_36,
    'def __make__(_set, _nothing, _f4, _f5):\n    def __init__(self, path, title, status_before, status_now, items=_nothing, tasks=_nothing):\n        self.path = path\n        self.title = title\n        self.status_before = status_before\n        self.status_now = status_now\n        self.items = _f4() if items is _nothing else items\n        self.tasks = _f5() if tasks is _nothing else tasks\n    return __init__\n': _make_37,
}
