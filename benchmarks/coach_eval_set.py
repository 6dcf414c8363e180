"""The labelled set of ``coach_eval.py`` (data only): jobs of many role
families with oracle keywords, answers of known quality to bank questions,
and resumes to rank against matching and non-matching jobs.

Answer labels: ``excellent`` 3, ``mediocre`` 2, ``wrong`` (confidently
wrong: fluent, uses the right terms, asserts a false claim) 1, ``off`` (a
good answer to a different question) 1. Wrong and off-topic answers share a
label: both fail the question."""

from __future__ import annotations

LABELS = {"excellent": 3, "mediocre": 2, "wrong": 1, "off": 1}

# Families with the words that show a question is about that kind of work
# (whole words, a plural allowed; a trailing * marks a stem matched as a
# prefix; case-insensitive). A question is on-role when it has one of its job
# family's words, off-role when it has another family's words (other than the
# GENERIC ones every workplace uses) and none of its own, neutral otherwise.
ORACLE: dict[str, list[str]] = {
    "software": [
        "bug", "debug", "codebase", "code review", "api", "database", "sql", "deploy*",
        "kubernetes", "docker", "python", "java", "javascript", "git", "outage", "programming",
        "software", "microservice", "http", "cache", "caching", "algorithm", "compiler",
        "backend", "frontend", "server", "linux", "aws", "thread", "concurrency", "schema",
        "react", "typescript", "unit test", "ci/cd", "latency", "refactor", "technical debt",
        "engineer", "index", "transaction", "redis", "kafka", "golang", "c++", "c#", "node",
        "rest", "graphql", "terraform", "query", "queries", "asynchronous", "async", "tls",
        "container", "scalab*", "distributed", "system design",
    ],
    "data": [
        "sql", "etl", "elt", "pipeline", "warehouse", "dbt", "airflow", "spark", "data quality",
        "data model", "schema", "query", "queries", "dashboard", "analytics", "pandas",
        "kafka", "batch", "streaming", "partition", "join", "dataset", "data", "metric", "python",
        "memory", "file",
    ],
    "ml": [
        "model", "training", "overfit*", "feature", "pytorch", "tensorflow", "gradient", "loss",
        "evaluat*", "dataset", "precision", "recall", "inference", "neural", "embedding",
        "bias", "variance", "hyperparameter", "machine learning", "llm", "validation",
        "classif*", "regression", "data", "drift", "label",
    ],
    "mobile": [
        "ios", "android", "swift", "kotlin", "app store", "mobile", "uikit", "offline",
        "push notification", "battery", "main thread", "view controller", "compose",
        "react native", "flutter", "crash", "app", "device", "screen",
    ],
    "design": [
        "design", "user research", "usability", "prototype", "figma", "wireframe",
        "accessib*", "persona", "visual", "interaction", "typograph*", "critique", "portfolio",
        "ux", "ui", "user",
    ],
    "product": [
        "product", "roadmap", "prioriti*", "metric", "stakeholder", "customer", "user",
        "feature", "launch", "discovery", "okr", "kpi", "experiment", "a/b", "requirement",
        "backlog", "mvp", "north star", "retention*", "engineering team", "agile", "scrum", "sprint",
    ],
    "sales": [
        "sales", "quota", "pipeline", "prospect", "deal", "objection", "discovery", "close",
        "closing", "negotiat*", "customer", "buyer", "meddic*", "forecast", "territory",
        "cold call", "demo", "account", "champion", "pricing", "price", "decision maker",
        "decision-maker", "lead", "revenue",
    ],
    "customer-success": [
        "customer", "churn", "renewal", "onboard*", "health score", "escalat*", "account",
        "adoption", "nps", "upsell", "expansion", "qbr", "ticket", "support", "satisfaction",
        "client",
    ],
    "marketing": [
        "marketing", "campaign", "brand", "audience", "seo", "content", "conversion", "funnel",
        "channel", "segment", "positioning", "launch", "email", "social media", "cac",
        "attribution", "lead", "messaging", "customer",
    ],
    "finance": [
        "reconcil*", "month-end", "close", "journal", "ledger", "gaap", "ifrs", "accrual",
        "audit", "budget", "forecast", "variance", "cash", "balance sheet", "revenue",
        "invoice", "payable", "receivable", "tax", "depreciat*", "financial*", "account",
        "expense", "control", "outstanding", "dso",
    ],
    "healthcare": [
        "patient", "nurse", "nursing", "triage", "medication", "sbar", "vital", "clinical",
        "care", "bls", "acls", "sepsis", "infection", "ward", "doctor", "physician",
        "handover", "hand-off", "pain", "dose", "chart", "fall", "wound", "family", "families",
        "safety", "shift",
    ],
    "teaching": [
        "student", "lesson", "classroom", "teach", "curriculum", "assessment", "learner",
        "parent", "differentiat*", "behaviour management", "behavior management", "pupil",
        "grade", "grading", "school", "instruction", "homework", "exam", "maths",
    ],
    "operations": [
        "operation", "process", "supply", "inventory", "logistic*", "vendor", "supplier",
        "kpi", "efficien*", "lean", "six sigma", "schedul*", "capacity", "warehouse",
        "shipment", "sla", "cost", "quality", "workflow", "forecast", "metric",
    ],
    "hr": [
        "hiring", "hire", "recruit*", "candidate", "employee", "onboard*", "interview",
        "performance", "compensation", "benefit", "policy", "policies", "grievance",
        "retention*", "culture", "payroll", "disciplin*", "divers*", "talent", "manager",
    ],
    "legal": [
        "contract", "clause", "legal", "law", "litigat*", "complian*", "regulat*", "counsel",
        "liabilit*", "indemn*", "gdpr", "negotiat*", "dispute", "privilege", "due diligence",
        "jurisdiction", "court", "statute", "client", "risk",
    ],
}

GENERIC = {
    "process", "workflow", "stakeholder", "prioriti*", "manager", "requirement", "customer", "user",
    "feature", "launch", "metric", "forecast", "cost", "quality", "schedul*", "performance",
    "policy", "policies", "culture", "risk", "client", "account", "data", "lead", "revenue", "close",
    "closing", "control", "safety", "family", "families", "shift", "support", "content", "channel",
    "audience", "segment", "app", "design", "model", "label", "validation", "evaluat*",
    "interview", "candidate", "hire", "hiring", "onboard*", "escalat*", "ticket", "satisfaction",
    "demo", "deal", "champion", "pricing", "price", "discovery", "experiment", "screen", "device",
    "crash", "visual", "interaction", "critique", "portfolio", "ui", "care", "pain",
    "chart", "grade", "grading", "class", "instruction", "operation", "supply", "vendor",
    "supplier", "capacity", "efficien*", "sla", "kpi", "benefit", "talent", "employee", "contract",
    "clause", "legal", "law", "counsel", "dispute", "privilege", "negotiat*", "budget", "variance",
    "cash", "tax", "expense", "audit", "journal", "brand", "campaign", "email", "messaging",
    "positioning", "conversion", "funnel", "pipeline", "batch", "join", "dashboard", "dataset",
    "training", "loss", "bias", "inference", "drift", "offline", "thread",
    "engineer", "latency", "index", "transaction", "query", "queries", "schema", "container",
    "distributed", "server", "rest", "node", "system design", "backlog", "roadmap", "okr",
    "exam", "homework", "lesson", "learning", "parent", "school", "student",
    "ward", "doctor", "nurse", "dose",
}
"""Words every workplace uses: they show a question on-role, never off-role."""

ENGINEERING = {"software", "data", "ml", "mobile"}


def _job(family: str, name: str, title: str, level: str, description: str) -> dict[str, str]:
    return {
        "family": family, "name": name, "title": title, "level": level,
        "description": description,
    }


JOBS = [
    _job("software", "Payly", "Senior Backend Engineer", "senior",
         "Design and run Python services on PostgreSQL. Requirements: 5+ years of Python, "
         "Django, REST APIs, PostgreSQL query tuning, Docker and Kubernetes on AWS. Nice to "
         "have: Redis, Terraform."),
    _job("data", "Streamly", "Data Engineer", "mid-level",
         "Build and own our batch and streaming data pipelines. Requirements: SQL, Python, "
         "Spark, Airflow, dbt, data modelling for the warehouse (Snowflake), data quality "
         "checks. Nice to have: Kafka."),
    _job("ml", "Visionary", "Machine Learning Engineer", "mid-level",
         "Train, evaluate and ship deep learning models. Requirements: PyTorch, Python, model "
         "evaluation, feature engineering, MLOps and model deployment, experiment tracking. "
         "Nice to have: LLM fine-tuning."),
    _job("mobile", "Pocket", "iOS Developer", "mid-level",
         "Build our iPhone app in Swift and SwiftUI. Requirements: Swift, SwiftUI, UIKit, "
         "concurrency with async/await, Core Data, App Store releases, accessibility. "
         "Nice to have: Combine, XCTest."),
    _job("design", "Studio", "Product Designer", "mid-level",
         "Own the end-to-end design of features: user research, wireframes, prototypes in "
         "Figma, usability testing, our design system and accessibility (WCAG)."),
    _job("product", "Shoply", "Product Manager", "mid-level",
         "Own the roadmap for checkout. Requirements: product discovery, prioritisation, "
         "defining success metrics, A/B experiments, stakeholder management, writing "
         "requirements with engineering and design. SQL is a plus."),
    _job("sales", "CloudCRM", "Account Executive", "mid-level",
         "Own a mid-market territory and a quota. Requirements: full-cycle B2B SaaS sales, "
         "prospecting, discovery calls, demos, objection handling, negotiation and closing, "
         "MEDDICC qualification, accurate forecasting in Salesforce."),
    _job("customer-success", "HelpHub", "Customer Success Manager", "mid-level",
         "Manage a book of 60 accounts: onboarding, adoption, health scores, quarterly "
         "business reviews, renewals and expansion, reducing churn, handling escalations."),
    _job("marketing", "Brandly", "Marketing Manager", "mid-level",
         "Plan and run campaigns across email, paid social and SEO. Requirements: "
         "positioning and messaging, campaign planning, funnel metrics, attribution, content "
         "marketing, budget management."),
    _job("finance", "Ledgerly", "Staff Accountant", "mid-level",
         "Requirements: month-end close, account reconciliations, journal entries, accruals, "
         "GAAP, accounts payable and receivable, supporting the annual audit, Excel."),
    _job("healthcare", "St Mary's Hospital", "Registered Nurse", "mid-level",
         "Registered Nurse for our surgical ward at St Mary's Hospital, London. Requirements: "
         "patient assessment, triage, medication administration, BLS and ACLS certification, "
         "SBAR handover, infection control, care planning, patient education."),
    _job("teaching", "Greenfield School", "Secondary Maths Teacher", "mid-level",
         "Teach maths to students aged 11-16: lesson planning, differentiation, formative "
         "assessment, classroom behaviour management, working with parents, GCSE curriculum."),
    _job("operations", "FastShip", "Operations Manager", "senior",
         "Run warehouse and logistics operations: process improvement (Lean, Six Sigma), "
         "inventory management, vendor management, capacity planning, KPIs and SLAs, "
         "budgets, leading a team of 40."),
    _job("hr", "PeopleFirst", "HR Business Partner", "senior",
         "Partner with leaders on talent: recruitment and hiring, performance management, "
         "employee relations and investigations, compensation reviews, policies, employment "
         "law compliance, culture and engagement."),
    _job("legal", "Lexington LLP", "Commercial Lawyer", "mid-level",
         "Draft, review and negotiate commercial contracts: limitation of liability, "
         "indemnities, data protection (GDPR), advising clients on risk, disputes and "
         "regulatory compliance."),
]


def _a(excellent: str, mediocre: str, wrong: str) -> dict[str, str]:
    return {"excellent": excellent, "mediocre": mediocre, "wrong": wrong}


# Bank question id -> answers. The off-topic answer of each question is the
# excellent answer of the question 15 places further on.
ANSWERS: dict[str, dict[str, str]] = {
    "py-001": _a(
        "A list is mutable: you can append, remove or replace elements after creating it. A "
        "tuple is immutable, so once it is built its contents cannot change. Because a tuple "
        "of hashable items is itself hashable, it can be a dictionary key or a set member, "
        "which a list cannot. I use a list for a collection that grows, such as orders I "
        "append to, and a tuple for a fixed record such as a (latitude, longitude) pair or "
        "to return two values from a function.",
        "Lists can be changed and tuples cannot. I mostly use lists because they are more "
        "flexible.",
        "Lists and tuples are basically the same thing: both are mutable and you can append "
        "to a tuple just like a list. The only difference is that tuples are faster because "
        "they are written in C. Tuples cannot be used as dictionary keys, only strings can. "
        "I use tuples whenever I need speed and lists otherwise.",
    ),
    "py-004": _a(
        "Default values are evaluated once, when the def statement runs, not on every call. "
        "So a mutable default such as a list or dict is shared between all calls: if the "
        "function appends to it, the items accumulate across calls, which surprises people. "
        "For example def add(item, bucket=[]) returns a growing list. The fix is to use None "
        "as the default and create the list inside: if bucket is None: bucket = []. Linters "
        "such as ruff flag this pattern (B006).",
        "If you use a list as a default argument it can keep old values, so people use None "
        "instead.",
        "Python creates a fresh copy of every default argument each time the function is "
        "called, so a list default like bucket=[] is perfectly safe and is the idiomatic "
        "way to write it. The bug people talk about only happened in Python 2; in Python 3 "
        "defaults are evaluated on each call, so there is no shared state to worry about.",
    ),
    "py-009": _a(
        "Threading runs several threads in one process sharing memory; because of the GIL "
        "only one thread executes Python bytecode at a time, so threads help with blocking "
        "I/O such as HTTP calls but not with CPU-bound work. Multiprocessing starts separate "
        "processes, each with its own interpreter and GIL, so CPU-bound work such as image "
        "processing runs in parallel across cores, at the cost of pickling data between "
        "them. Asyncio runs many concurrent I/O tasks in a single thread with an event loop; "
        "it scales to thousands of connections but needs non-blocking libraries such as "
        "httpx or asyncpg, because one blocking call stalls every task.",
        "Threads and processes both run things at the same time, and asyncio is for async "
        "code. I would use asyncio for web requests.",
        "Threads are the best choice for CPU-bound work in Python, because each thread runs "
        "on its own core in parallel, and the GIL was removed back in Python 3.0. "
        "Multiprocessing is outdated and only needed on Windows. Asyncio is for CPU-heavy "
        "calculations too, since the event loop spreads the work across all cores "
        "automatically.",
    ),
    "py-007": _a(
        "A function containing yield returns a generator object when called; its body does "
        "not run yet. Each next() runs it until the following yield, hands back the value "
        "and pauses, keeping its local state, and resumes there on the next call; when the "
        "function returns, StopIteration ends the iteration. Generators implement the "
        "iterator protocol, so they work in for loops, and they are lazy: reading a huge "
        "log file line by line with a generator uses constant memory. yield from delegates "
        "to a sub-generator.",
        "A generator uses yield to return values one at a time, which saves memory.",
        "A generator runs the whole function immediately when you call it and stores every "
        "yielded value in a list, so it is just a shorter way to build a list. yield works "
        "like return: the function ends at the first yield and restarts from the top on the "
        "next call, so generators use as much memory as a list.",
    ),
    "sql-001": _a(
        "An INNER JOIN returns only rows that have a match on both sides of the join "
        "condition in ON. A LEFT JOIN keeps every row of the left table and fills the right "
        "table's columns with NULL where there is no match, for example all customers with "
        "their orders, including customers with none. A FULL OUTER JOIN keeps unmatched rows "
        "from both sides, with NULLs on whichever side is missing, which is useful to "
        "reconcile two lists.",
        "Inner join gives matching rows and left join gives all rows from the left table.",
        "An INNER JOIN returns every row from both tables, matched or not, and a LEFT JOIN "
        "returns only the rows that match on both sides, so LEFT JOIN is the strict one. "
        "FULL OUTER JOIN is just another name for INNER JOIN in PostgreSQL and MySQL.",
    ),
    "sql-005": _a(
        "An index is a separate data structure, usually a B-tree, that keeps a column's "
        "values sorted with pointers to the rows, so the database can find matching rows in "
        "logarithmic time instead of a full table scan. It speeds up WHERE filters, joins and "
        "ORDER BY on the indexed columns. The costs: every insert, update and delete must "
        "also update the index, so writes slow down, and indexes take storage and memory. I "
        "index selective columns used in queries and check with EXPLAIN ANALYZE that the "
        "planner uses them.",
        "Indexes make queries faster by letting the database find rows quickly. They take "
        "some space.",
        "An index is a cached copy of query results, so it makes every query faster and has "
        "no cost: writes are not affected because indexes are rebuilt only at night. The "
        "best practice is to add an index on every column, since more indexes always mean "
        "faster reads and writes.",
    ),
    "sql-007": _a(
        "The SQL standard defines four levels. Read uncommitted allows dirty reads, seeing "
        "another transaction's uncommitted changes. Read committed prevents dirty reads but "
        "allows non-repeatable reads, where the same row reads differently twice in one "
        "transaction. Repeatable read prevents that, though phantom reads, new rows appearing "
        "in a range query, are allowed by the standard. Serializable prevents all anomalies, "
        "as if transactions ran one at a time. Higher isolation costs concurrency: "
        "serializable transactions can fail with serialization errors that the application "
        "must retry.",
        "There are levels like read committed and serializable. Higher levels are safer but "
        "slower.",
        "Isolation levels control how fast a transaction runs. Serializable is the fastest "
        "level because transactions never wait, and read uncommitted is the safest because "
        "it prevents dirty reads, non-repeatable reads and phantom reads. Most databases "
        "default to serializable, so you never need retries.",
    ),
    "k8s-003": _a(
        "ConfigMaps and Secrets decouple configuration from the container image, so the same "
        "image runs in every environment. A ConfigMap holds non-sensitive settings such as "
        "feature flags; a Secret holds credentials. Both can be mounted as files or exposed "
        "as environment variables. A Secret is only base64 encoded, not encrypted by default, "
        "so anyone who can read it in the API or etcd sees the value: enable encryption at "
        "rest for etcd, restrict access with RBAC, and consider an external secret manager "
        "such as Vault. Never commit Secret manifests to a repository.",
        "ConfigMaps store configuration and Secrets store passwords. You mount them into "
        "pods.",
        "ConfigMaps hold configuration and Secrets hold passwords. Kubernetes Secrets are "
        "encrypted, so committing the Secret manifests to a public repository is safe: "
        "nobody can read the values without the cluster key. That is why you can put "
        "database passwords straight into the YAML and push it to GitHub.",
    ),
    "k8s-002": _a(
        "A liveness probe tells the kubelet whether the container is stuck; if it fails, "
        "the container is restarted. A readiness probe says whether the pod can take "
        "traffic; while it fails the pod is removed from the Service's endpoints but not "
        "restarted, for example while it warms a cache. A startup probe protects slow "
        "starting applications: the other probes wait until it succeeds. A misconfigured "
        "liveness probe, say one that checks the database, causes restart loops during an "
        "outage, so keep probes cheap and local.",
        "Liveness checks if the app is alive and readiness checks if it is ready for "
        "traffic.",
        "Liveness and readiness probes are the same thing with different names: both "
        "restart the container when they fail. A liveness probe should check every "
        "dependency, including the database and other services, so that Kubernetes "
        "restarts the pod whenever anything downstream is down. Startup probes are "
        "deprecated.",
    ),
    "docker-001": _a(
        "An image is a read-only template built from layers, one per Dockerfile "
        "instruction, containing the filesystem and metadata needed to run an application. "
        "A container is a running instance of an image: Docker adds a thin writable layer on "
        "top and starts the process in isolated namespaces. Many containers can run from one "
        "image. Containers are ephemeral: anything written to the writable layer is lost "
        "when the container is removed, so persistent data goes into volumes.",
        "An image is like a template and a container is what runs from it.",
        "An image and a container are the same thing: docker build creates a container, "
        "and the image is just the container once it has stopped. Changes you make inside a "
        "running container are saved back into the image automatically, so you can keep "
        "your database files in the container forever.",
    ),
    "git-001": _a(
        "git merge joins two branches by creating a merge commit with two parents, "
        "preserving the history exactly as it happened. git rebase replays your branch's "
        "commits on top of another base, giving a linear history, but it rewrites the "
        "commits, so their hashes change. Because of that, never rebase a shared public "
        "branch others have pulled; rebase your local feature branch before merging instead. "
        "Interactive rebase (git rebase -i) lets you squash and reword commits to clean up "
        "before review.",
        "Merge combines branches with a merge commit and rebase moves your commits on top "
        "of the other branch.",
        "Rebase and merge produce exactly the same history; rebase just runs faster. Rebase "
        "never changes commit hashes, so it is the safest way to update a shared public "
        "branch that everyone has pulled, and you should always rebase main onto your "
        "feature branch.",
    ),
    "git-009": _a(
        "First rotate or revoke the secret immediately: once it was pushed it must be "
        "treated as leaked, because clones, forks and caches may already have it, and "
        "rewriting history does not undo that exposure. Then remove it from history with git "
        "filter-repo or BFG, force push, and coordinate with collaborators to re-clone. "
        "Finally prevent a repeat: add the file to .gitignore, load secrets from the "
        "environment or a secrets manager, and add a pre-commit secret scanner such as "
        "gitleaks.",
        "I would delete the file and commit again, and maybe change the password.",
        "Just delete the file in a new commit and push: once the file is removed from the "
        "latest commit the secret is gone and nobody can see it any more, so there is no "
        "need to rotate or change the key. Git history is private to your machine, so the "
        "old commit does not matter.",
    ),
    "http-001": _a(
        "GET reads a resource, POST creates a resource or triggers an action, PUT replaces a "
        "resource, PATCH partially updates it and DELETE removes it. Safe methods such as GET "
        "and HEAD do not change server state. Idempotent means repeating the request has the "
        "same effect as sending it once: GET, PUT and DELETE are idempotent, while POST is "
        "not, which is why payment APIs add idempotency keys so a retried POST does not "
        "charge twice.",
        "GET gets data, POST sends data, PUT updates and DELETE deletes. GET is safe.",
        "GET, POST, PUT and DELETE are all safe and idempotent, because HTTP is stateless. "
        "POST is the most idempotent method, so retrying a POST payment request can never "
        "charge twice. PUT and DELETE change data, so they are not idempotent.",
    ),
    "http-002": _a(
        "2xx means success: 200 OK, 201 Created with a Location header, 204 No Content. 3xx "
        "means redirection, such as 301 and 304 Not Modified. 4xx are client errors: 400 bad "
        "request, 401 unauthenticated, 403 authenticated but forbidden, 404 not found, 409 "
        "conflict, 422 validation failed, 429 too many requests. 5xx are server errors: 500, "
        "502 bad gateway, 503 unavailable. The 401 versus 403 distinction matters: 401 means "
        "who are you, 403 means I know you but you may not.",
        "200 is OK, 404 is not found and 500 is a server error. 4xx are client errors.",
        "An API should always return 200 and put the error in the body, because clients "
        "only understand 200. 401 and 403 mean the same thing, and 500 is the right code "
        "for validation errors caused by the client's bad input.",
    ),
    "http-011": _a(
        "In the TLS handshake the client and server agree on the protocol version and cipher "
        "suite. The server presents a certificate signed by a trusted certificate authority, "
        "which proves its identity for the domain. They run a key exchange such as ECDHE to "
        "derive a shared secret; because the keys are ephemeral this gives forward secrecy. "
        "The rest of the session uses fast symmetric encryption such as AES-GCM, which also "
        "protects integrity. TLS 1.3 cut the handshake to one round trip and removed weak "
        "ciphers.",
        "TLS encrypts the connection with certificates so nobody can read the traffic.",
        "TLS encrypts every message with the server's private key and the client decrypts "
        "it with the public key, using RSA for the whole session. Certificates are not "
        "needed for security, they only make the browser show a padlock, and a self-signed "
        "certificate is just as safe for the public internet.",
    ),
    "sec-003": _a(
        "CSRF is when an attacker's site makes the victim's browser send an authenticated "
        "request to another site, for example a hidden form that posts a money transfer. It "
        "works because the browser sends the target site's cookies automatically. Defences: "
        "an anti-CSRF token in forms that the attacker cannot read, the SameSite=Lax or "
        "Strict cookie attribute, checking the Origin header on state-changing requests, and "
        "never changing state through GET.",
        "CSRF is an attack where another site sends requests as the user. You use CSRF "
        "tokens.",
        "CSRF is the same as cross-site scripting: the attacker injects JavaScript into your "
        "page. Using HTTPS fully protects against CSRF, because the attacker cannot read the "
        "encrypted cookies, so tokens and SameSite are unnecessary once you have TLS.",
    ),
    "sec-014": _a(
        "Encoding changes the format of data for transport, such as base64 or URL encoding, "
        "and anyone can reverse it without a key, so it gives no secrecy. Encryption makes "
        "data unreadable except to someone holding the key, for confidentiality; symmetric "
        "encryption like AES uses one shared key, asymmetric like RSA uses a public and a "
        "private key. Hashing is one-way: a fixed-size digest such as SHA-256 that cannot be "
        "reversed, used for integrity checks and, with a slow salted algorithm such as "
        "bcrypt or Argon2, for storing passwords.",
        "Encryption can be reversed with a key, hashing cannot be reversed, and encoding is "
        "like base64.",
        "Base64 encoding is a form of encryption, so base64-encoded passwords are secure to "
        "store. Hashing can be reversed with the right key, which is how login checks "
        "decrypt the stored password hash. MD5 is the recommended hash for passwords because "
        "it is fast.",
    ),
    "sec-006": _a(
        "Secrets never go into source code, container images or the repository. The "
        "application reads them at run time from environment variables or, better, a "
        "secrets manager such as Vault or AWS Secrets Manager that keeps them encrypted and "
        "audits access. Each environment gets its own secrets and each service only the "
        "ones it needs (least privilege). Rotate them regularly, prefer short-lived "
        "credentials such as IAM roles, and run secret scanning in CI to catch leaks.",
        "Put secrets in environment variables instead of the code.",
        "The simplest safe way is to hard-code secrets in the source code, because the "
        "compiled application hides them, and keep the repository private. Rotation is "
        "unnecessary if the repository is private, and sharing one password across all "
        "environments keeps things simple.",
    ),
    "js-004": _a(
        "JavaScript runs on a single-threaded call stack. Asynchronous work such as timers, "
        "network I/O and events is handled by the runtime, and their callbacks wait in "
        "queues. When the stack is empty, the event loop takes the next macrotask, such as a "
        "setTimeout callback or an I/O event; after each task it drains the microtask queue, "
        "promise callbacks and queueMicrotask, before rendering or the next task. So a "
        "resolved promise's then runs before a setTimeout of 0. Long synchronous code blocks "
        "rendering and everything else.",
        "The event loop runs callbacks when the stack is empty. Promises are async.",
        "JavaScript runs callbacks on multiple threads in parallel, and the event loop "
        "assigns each setTimeout to its own thread. setTimeout callbacks always run before "
        "promise callbacks, because timers have the highest priority, and long synchronous "
        "loops do not block rendering.",
    ),
    "js-003": _a(
        "A closure is a function together with the variables of the scope where it was "
        "defined: thanks to lexical scoping it can read and update those variables even "
        "after the outer function has returned. For example function counter() { let n = 0; "
        "return () => ++n; } gives a function with its own private count. Closures give "
        "private state and factories, and every callback or event handler that uses a "
        "variable from its surrounding function relies on one.",
        "A closure is a function inside another function that can use its variables.",
        "A closure is a function that has been closed so it can no longer be called, which "
        "frees its memory. Inner functions copy the outer variables when they are created, "
        "so after the outer function returns they see the old values and cannot change "
        "them.",
    ),
    "react-002": _a(
        "Keys identify list items between renders. During reconciliation React matches the "
        "old and new children by key, so it can tell which items were added, removed or "
        "moved, and keep each item's DOM node and state. Keys must be stable and unique "
        "among siblings, such as a database id. Using the array index breaks when the list "
        "is reordered or filtered: state such as a text input's value sticks to the wrong "
        "item.",
        "Keys help React know which items changed. They should be unique.",
        "React needs keys only to silence a console warning; they have no effect on "
        "rendering. The array index is the best key because it is always unique, and "
        "random keys such as Math.random() are fine too because keys do not need to be "
        "stable between renders.",
    ),
    "ts-004": _a(
        "any turns type checking off for a value: anything can be assigned to it and done "
        "with it, so errors slip through. unknown is the type-safe top type: anything can be "
        "assigned to it, but you must narrow it with typeof, instanceof or a type guard "
        "before using it, which makes it the right type for untrusted data such as parsed "
        "JSON. never is the empty type, for values that cannot exist, such as a function "
        "that always throws; assigning the leftover case of a switch to never gives "
        "exhaustive checks.",
        "any allows everything, unknown is safer, and never is for functions that never "
        "return.",
        "unknown and any are identical, and unknown is just the newer spelling, so you can "
        "call methods on an unknown value without checking it. never means a value that can "
        "be anything, so it is the most flexible type to use for untrusted JSON.",
    ),
    "dsa-003": _a(
        "Binary search needs sorted input with random access. It compares the target with "
        "the middle element and discards the half that cannot contain it, halving the range "
        "each step, so it runs in O(log n) time: about 20 steps for a million items. The "
        "tricky part is the boundaries: use lo <= hi or lo < hi consistently and compute mid "
        "as lo + (hi - lo) // 2 to avoid off-by-one errors and overflow. Variants find the "
        "first or last occurrence, like bisect_left.",
        "You look at the middle and go left or right. It is O(log n).",
        "Binary search works on any list, sorted or not, because it checks the middle and "
        "then both halves. It runs in O(n log n) time, slower than a linear scan, so it is "
        "only useful for very small arrays.",
    ),
    "dsa-004": _a(
        "A hash function maps each key to a bucket index; a collision happens when two keys "
        "land in the same bucket. Separate chaining keeps a list (or tree) of entries per "
        "bucket. Open addressing stores entries in the array itself and probes for the next "
        "free slot, linearly, quadratically or with double hashing. When the load factor "
        "passes a threshold such as 0.75 the table resizes and rehashes, keeping operations "
        "O(1) on average. A good hash function spreads keys uniformly.",
        "When two keys have the same hash you store them in a list in that bucket.",
        "A good hash table never has collisions, because each key gets a unique hash code, "
        "so there is no need to handle them. If a collision does happen, the new value "
        "simply overwrites the old one, and lookups are always O(1) whatever the load "
        "factor.",
    ),
    "test-001": _a(
        "Unit tests check a small piece of code, a function or class, in isolation; they are "
        "fast and pinpoint failures. Integration tests check components working together "
        "with real dependencies such as a database or a message queue. End-to-end tests "
        "drive the whole system the way a user does, through the UI or public API. The test "
        "pyramid says many unit tests, fewer integration tests and a few e2e tests, because "
        "higher levels give more confidence but are slower and flakier.",
        "Unit tests test small parts, integration tests test parts together, and e2e tests "
        "test everything.",
        "Unit, integration and end-to-end tests are the same thing at different times of the "
        "project. End-to-end tests are the fastest and most reliable, so the pyramid says to "
        "write mostly e2e tests and skip unit tests, which never catch real bugs.",
    ),
    "redis-002": _a(
        "With the cache-aside pattern the application reads Redis first and, on a miss, "
        "reads the database and stores the value with a TTL, which bounds how stale it can "
        "get. After a write to the database I delete the key rather than update it, to "
        "avoid races where an older value overwrites a newer one between the write and a "
        "cache fill. To avoid a stampede when a hot key expires, use a lock or early "
        "refresh. Set maxmemory with an eviction policy such as allkeys-lru.",
        "You set a TTL on keys so they expire, and delete keys when data changes.",
        "Redis invalidates cached keys automatically whenever the database changes, because "
        "it watches the database's transaction log, so no TTL or delete is ever needed. "
        "When memory fills up Redis writes the extra keys to disk, so eviction policies do "
        "not matter.",
    ),
    "sd-007": _a(
        "CAP says a distributed data store cannot guarantee consistency, availability and "
        "partition tolerance all at once. Because network partitions are unavoidable in a "
        "distributed system, the real choice is what happens during a partition: stay "
        "consistent and refuse some requests (CP, like etcd or ZooKeeper) or stay available "
        "and serve possibly stale data (AP, like Cassandra or DynamoDB). PACELC adds that "
        "even without a partition there is a trade-off between latency and consistency.",
        "CAP means consistency, availability and partition tolerance, and you can only pick "
        "two.",
        "The CAP theorem says a well-designed database can give consistency, availability "
        "and partition tolerance at the same time if you add enough replicas. Partitions "
        "almost never happen in the cloud, so modern databases such as Cassandra are fully "
        "consistent and always available.",
    ),
    "java-003": _a(
        "Checked exceptions, subclasses of Exception other than RuntimeException, must be "
        "declared in the method's throws clause or caught; the compiler enforces it. "
        "Unchecked exceptions extend RuntimeException, such as NullPointerException or "
        "IllegalArgumentException, and need no declaration. Errors such as OutOfMemoryError "
        "are separate and not meant to be caught. Use checked exceptions for recoverable "
        "conditions the caller should handle, like a missing file, and unchecked ones for "
        "programming errors.",
        "Checked exceptions have to be caught and unchecked do not. IOException is checked.",
        "Checked exceptions are checked at run time and unchecked exceptions are checked by "
        "the compiler, so NullPointerException must always be declared in the throws clause. "
        "Errors like OutOfMemoryError should be caught and retried everywhere.",
    ),
    "go-003": _a(
        "In Go errors are values: functions return an error as the last result and callers "
        "check it explicitly with if err != nil. To add context while keeping the cause, "
        "wrap it with fmt.Errorf(\"reading config: %w\", err). errors.Is checks whether a "
        "wrapped chain contains a sentinel such as os.ErrNotExist, and errors.As extracts a "
        "specific error type. panic is only for unrecoverable programmer errors, not for "
        "normal failures.",
        "Go returns errors as values and you check if err is nil.",
        "Go uses exceptions like Java: you throw with panic and catch with recover in every "
        "function, which is the idiomatic way to handle a missing file. Wrapping errors "
        "with %w is discouraged because it hides the original error from errors.Is.",
    ),
    "linux-009": _a(
        "An inode stores a file's metadata (owner, permissions, size, timestamps) and "
        "pointers to its data blocks, but not its name. Directory entries map names to inode "
        "numbers. A hard link is just another directory entry for the same inode; the data "
        "lives until the last link is removed, and hard links cannot cross filesystems. A "
        "symbolic link is a separate small file containing a path; it can cross filesystems "
        "and point to directories but dangles if the target moves. A filesystem can run out "
        "of inodes with free space left.",
        "An inode has file information. A symlink is a shortcut to another file.",
        "An inode is where Linux stores the file name, and a hard link is a shortcut file "
        "that contains the path of the original. Deleting the original file deletes all its "
        "hard links too, while symbolic links keep the data alive. Symlinks cannot cross "
        "filesystems but hard links can.",
    ),
}

# Behavioural questions: a strong STAR story must rate well, a vague one low.
STAR = {
    "beh-002": {
        "excellent": (
            "At my last company our tech lead wanted to rewrite the billing service from "
            "scratch, while I thought we should refactor it step by step. I asked for a "
            "meeting, listened to his reasons and understood his worry about the old code's "
            "test coverage. I then pulled the incident data: 80% of billing incidents came "
            "from two modules. I proposed rewriting those two and refactoring the rest, and "
            "we agreed with our manager. I took the first module myself. Incidents dropped "
            "by 60% within three months and we shipped two quarters earlier than a rewrite "
            "would have. I learned that data makes disagreements about the problem, not the "
            "people."
        ),
        "mediocre": (
            "I disagreed with my manager once about a deadline. We talked about it and in "
            "the end it was fine."
        ),
    },
    "beh-004": {
        "excellent": (
            "In my second year I ran a database migration on a Friday without testing the "
            "rollback, and it locked the orders table for twenty minutes during peak hours. "
            "I owned it immediately: I told my manager, stopped the migration and restored "
            "service within 25 minutes. Afterwards I wrote the incident report, added a "
            "staging rehearsal and a rollback checklist to our migration process, and "
            "introduced lock timeouts. We have run over 40 migrations since without an "
            "outage. I learned to rehearse risky changes and to say when I am unsure."
        ),
        "mediocre": (
            "I made a mistake with a release once and it caused some problems, but we fixed "
            "it and I learned to be more careful."
        ),
    },
}

RESUMES = {
    "software": """Jane Doe
Senior Backend Engineer
jane.doe@example.com | +44 20 7946 0958 | linkedin.com/in/janedoe | github.com/janedoe

Summary
Senior backend engineer with 8 years of experience building Python services on PostgreSQL.

Experience
Senior Backend Engineer, Payly - Mar 2020 - Present
- Led the redesign of the Django payments API serving 2 million requests a day, cutting p95 latency by 45%.
- Tuned PostgreSQL queries and indexes, reducing database CPU by 30% and saving $40k a year.
- Migrated 14 services to Docker and Kubernetes on AWS with zero downtime.
- Mentored 5 engineers and introduced code review guidelines adopted by 3 teams.
- Built a Redis-backed rate limiter that blocked 99% of abusive traffic.

Backend Engineer, Shipfast - Jan 2016 - Feb 2020
- Built REST APIs in Python and Django for a fleet of 1,200 delivery vans.
- Automated infrastructure with Terraform, reducing environment setup from 2 days to 1 hour.

Education
BSc Computer Science, University of Leeds - 2012 - 2015

Skills
Python, Django, PostgreSQL, Redis, Docker, Kubernetes, AWS, Terraform, REST APIs, Git
""",
    "healthcare": """Maria Santos, RN
maria.santos@example.com | +44 7700 900123 | linkedin.com/in/mariasantosrn

Summary
Registered Nurse with 6 years of experience on busy surgical and medical wards.

Experience
Staff Nurse, Surgical Ward, Royal Free Hospital - Jun 2019 - Present
- Assessed and cared for up to 8 post-operative patients per shift, escalating deteriorating patients with SBAR.
- Administered medication safely, including IV antibiotics and controlled drugs, with zero errors in 2023 audits.
- Triaged admissions from theatre and recognised early sepsis, starting the sepsis bundle within the hour.
- Led infection control audits that cut hospital-acquired infections on the ward by 25%.
- Mentored 6 student nurses and delivered patient education on wound care and discharge.

Staff Nurse, Medical Ward, City Hospital - Sep 2017 - May 2019
- Wrote care plans for elderly patients and reduced falls by 30% with hourly rounding.

Education
BSc Nursing, King's College London - 2014 - 2017

Certifications
BLS, ACLS, NMC registration

Skills
Patient assessment, triage, medication administration, care planning, infection control, SBAR handover
""",
    "finance": """Tom Becker
tom.becker@example.com | +1 415 555 0134 | linkedin.com/in/tombecker

Summary
Staff accountant with 5 years of experience in month-end close and reconciliations under US GAAP.

Experience
Staff Accountant, Northwind Inc - Feb 2021 - Present
- Ran the month-end close for 3 entities, shortening it from 10 to 6 working days.
- Prepared 40 balance sheet account reconciliations a month and cleared $120k of aged items.
- Posted journal entries and accruals for payroll, rent and vendor invoices.
- Supported the annual audit, preparing all PBC schedules with no audit adjustments.

Accounts Payable Specialist, Contoso Ltd - Jul 2019 - Jan 2021
- Processed 900 vendor invoices a month and reconciled vendor statements.

Education
BA Accounting, Ohio State University - 2015 - 2019

Skills
GAAP, month-end close, reconciliations, journal entries, accruals, accounts payable,
accounts receivable, Excel, NetSuite
""",
    "sales": """Alex Kim
alex.kim@example.com | +1 212 555 0199 | linkedin.com/in/alexkim

Summary
Account executive with 5 years of B2B SaaS sales, consistently above quota.

Experience
Account Executive, SalesRocket - Jan 2021 - Present
- Closed $1.4M in new ARR in 2024, 128% of quota, in a mid-market territory.
- Ran discovery calls and tailored demos for VP-level buyers, qualifying with MEDDICC.
- Built pipeline through prospecting and cold calling, sourcing 40% of my own deals.
- Handled pricing objections and negotiated multi-year contracts; forecast accuracy within 5% in Salesforce.

Sales Development Representative, LeadGen Co - Jun 2019 - Dec 2020
- Booked 25 qualified meetings a month through outbound prospecting.

Education
BA Economics, NYU - 2015 - 2019

Skills
B2B SaaS sales, prospecting, discovery, demos, objection handling, negotiation, closing,
MEDDICC, Salesforce, forecasting
""",
}

# Which job (by family) each resume matches.
RESUME_JOBS = ["software", "healthcare", "finance", "sales"]

# A knowledgeable candidate, a fluent but wrong one and an honest weak one,
# answering the same five questions in a mock interview for the backend job.
INTERVIEW_QUESTIONS = ["sql-005", "k8s-003", "git-001", "http-001", "py-009"]

# Held out: confidently wrong answers to questions outside the 30 above,
# written after the packs' misconceptions were tuned against them and
# without reading those misconceptions. Reported on their own, as the figure
# no pack was fitted to.
HELD_OUT_WRONG = {
    "fin-022": (
        "Auditors work for us, so I answer their requests when the close is finished and only "
        "send what they insist on. If they question an accrual I defend our number firmly: "
        "management's estimate is final, and auditors cannot propose adjustments to accruals."
    ),
    "sal-010": (
        "A great demo shows every feature of the product from the first screen to the last, "
        "so the buyer sees everything we offer. I skip discovery because the demo itself "
        "uncovers their needs, and I keep questions until the end so the flow is not broken."
    ),
    "pm-027": (
        "A free tier always increases revenue because more users means more paying customers, "
        "so I would launch it to everyone at once. There is no need to test it first or "
        "worry about costs, since free users cost nothing to serve."
    ),
    "des-046": (
        "Each designer should keep their own local copies of components in their own file, "
        "because shared libraries slow everyone down. Naming layers does not matter since "
        "engineers read the code, not the Figma file."
    ),
    "leg-004": (
        "Automatic renewal clauses are unenforceable, so you can ignore notice windows. "
        "Termination for convenience is always available to both parties under contract law, "
        "and once a contract ends every clause ends with it, including confidentiality."
    ),
    "ml-005": (
        "The test set is the best place to tune hyperparameters because it is the most "
        "realistic data, and you can reuse it as often as you like. Shuffling time series "
        "randomly into the splits is fine and gives the most accurate estimate."
    ),
    "mob-056": (
        "LaunchedEffect runs on every recomposition, so it is the right place to start a "
        "network call each time the screen redraws. DisposableEffect is for suspend work, and "
        "SideEffect launches coroutines that survive after the composable leaves."
    ),
    "dat-072": (
        "DirectQuery imports all the data into memory, so it is always the fastest mode, while "
        "Import queries the source live on every click. DAX is the language Power Query uses "
        "to clean data before it is loaded."
    ),
    "mkt-007": (
        "The same content works for every stage of the buyer's journey, so I write one long "
        "product brochure and send it to everyone. Awareness content should focus on pricing "
        "and demos, since early buyers want to buy straight away."
    ),
    "ops-025": (
        "A kaizen event is best run by managers alone, without frontline staff, so decisions "
        "are quick. You do not need baseline data beforehand, and once the event ends the "
        "changes sustain themselves, so no follow-up is needed."
    ),
}
