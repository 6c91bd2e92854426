import Mustache

/// The Mustache templates of the status page. `{{name}}` escapes for HTML
/// (`<`, `>`, `&`, `"`, `'`); only `{{{html}}}`, a section already rendered
/// by its own template, is inserted as is. Everything from config or
/// discovery goes through `{{ }}`.
enum StatusTemplates {
    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>promshard{{#instance}} · {{instance}}{{/instance}}</title>
        <style>
        body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
        header { background: #1d2433; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: baseline; flex-wrap: wrap; }
        header h1 { margin: 0; font-size: 20px; }
        header a { color: #bcd; }
        main { padding: 8px 24px 24px; }
        section { background: #fff; border: 1px solid #dde; border-radius: 6px; margin: 16px 0; padding: 8px 16px 12px; }
        h2 { font-size: 16px; margin: 8px 0; }
        h3 { font-size: 15px; margin: 12px 0 6px; }
        h3 small { font-weight: normal; color: #556; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eef; vertical-align: top; }
        th { font-weight: 600; color: #445; }
        .ok { color: #17803d; font-weight: 600; }
        .bad { color: #b42318; font-weight: 600; }
        .muted { color: #778; }
        .err { color: #b42318; font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }
        .bar { display: inline-block; position: relative; width: 160px; height: 10px; background: #e8eaf0; border-radius: 3px; vertical-align: middle; }
        .bar span { position: absolute; left: 0; top: 0; bottom: 0; background: #4c6ef5; border-radius: 3px; }
        .bar i { position: absolute; top: -3px; bottom: -3px; width: 2px; background: #1d2433; }
        .badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #e8eaf0; font-size: 12px; }
        ul.reasons { margin: 4px 0; }
        </style>
        </head>
        <body>
        <header>
        <h1>promshard</h1>
        <span class="{{stateClass}}" id="state">{{state}}</span>
        <span>version {{version}}</span>
        <span>assignment {{assignment}} · delivered {{delivered}}</span>
        <span><a href="/metrics">/metrics</a> · <a href="/api/v1/status">/api/v1/status</a> · <a href="/jobs">/jobs</a></span>
        </header>
        <main>
        {{#hasReasons}}<section id="reasons"><h2>Why not healthy</h2><ul class="reasons">{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul></section>{{/hasReasons}}
        {{#sections}}
        <section id="{{id}}">
        <h2>{{title}}</h2>
        {{{html}}}
        </section>
        {{/sections}}
        </main>
        </body>
        </html>

        """

    static let services = """
        {{#services}}
        <article class="service" data-service="{{name}}">
        <h3>{{name}} <small>{{collectorsHealthy}}/{{collectorsTotal}} collectors healthy · {{targets}} targets · fair share {{fairShare}} · <span class="badge">{{mode}}</span></small></h3>
        {{#sourceErrors}}<p class="err">{{.}}</p>{{/sourceErrors}}
        {{#notServing}}<p class="muted">http_sd answers 503 until the first assignment: Prometheus keeps its targets.</p>{{/notServing}}
        <table>
        <thead><tr><th>Collector</th><th>Health</th><th>Last probe error</th><th>Targets (bar: against the fair share)</th><th>Last delivery</th><th>Pull</th></tr></thead>
        <tbody>
        {{#collectors}}
        <tr class="collector" data-collector="{{name}}">
        <td>{{name}}</td>
        <td class="{{healthClass}}">{{health}}</td>
        <td class="err">{{lastError}}</td>
        <td><span class="bar" title="{{targets}} of a fair share of {{fairShare}}"><span style="width: {{barPercent}}%"></span><i style="left: {{fairPercent}}%"></i></span> <span class="count">{{targets}}</span></td>
        <td>{{#delivery}}<span class="{{resultClass}}">{{result}}</span> {{ago}} · v{{version}}{{#message}}<div class="err">{{message}}</div>{{/message}}{{/delivery}}{{^delivery}}<span class="muted">{{noDelivery}}</span>{{/delivery}}</td>
        <td><a href="{{sdLink}}">http_sd</a></td>
        </tr>
        {{/collectors}}
        {{^collectors}}<tr><td colspan="6" class="muted">no collectors</td></tr>{{/collectors}}
        </tbody>
        </table>
        </article>
        {{/services}}
        {{^services}}<p class="muted">no services configured</p>{{/services}}
        """

    static let leader = """
        <p><span class="{{stateClass}}">{{state}}</span>{{#holder}} · holder {{holder}}{{/holder}}{{#key}} · key {{key}}{{/key}}</p>
        {{#error}}<p class="err">{{error}}</p>{{/error}}
        """

    static let children = """
        <table>
        <thead><tr><th>Child</th><th>State</th><th>PID</th><th>Restarts</th><th>Uptime</th></tr></thead>
        <tbody>
        {{#children}}
        <tr class="child" data-role="{{role}}"><td>{{role}}</td><td class="{{stateClass}}">{{state}}</td><td>{{pid}}</td><td class="restarts">{{restarts}}</td><td>{{uptime}}</td></tr>
        {{/children}}
        {{^children}}<tr><td colspan="5" class="muted">no word from the supervisor yet</td></tr>{{/children}}
        </tbody>
        </table>
        """

    static let gateways = """
        <p>pushes on <code>{{listen}}</code> · mode {{mode}} · {{healthy}} of {{total}} gateways healthy</p>
        {{#errors}}<p class="err">{{.}}</p>{{/errors}}
        <table>
        <thead><tr><th>Gateway</th><th>Health</th><th>Weight</th><th>Last probe error</th></tr></thead>
        <tbody>
        {{#gateways}}
        <tr class="gateway" data-gateway="{{name}}"><td>{{name}}</td><td class="{{stateClass}}">{{state}}</td><td>{{weight}}</td><td class="err">{{#error}}{{error}}{{/error}}</td></tr>
        {{/gateways}}
        {{^gateways}}<tr><td colspan="4" class="muted">no gateway known yet</td></tr>{{/gateways}}
        </tbody>
        </table>
        """

    static let jobs = """
        <p>store <code>{{store}}</code> · this instance runs <span id="units-running">{{unitsRunning}}</span> of {{workers}} units{{#instance}} ({{instance}}){{/instance}} · <span id="jobs-running">{{running}}</span> running, <span id="jobs-queued">{{queued}}</span> queued{{#more}} (the oldest {{shown}} listed){{/more}}</p>
        {{#waiting}}<p class="muted">no word from the jobs child yet</p>{{/waiting}}
        {{#stale}}<p class="bad">as of {{stale}}: the jobs child has not reported since</p>{{/stale}}
        {{#error}}<p class="err">{{error}}</p>{{/error}}
        <table>
        <thead><tr><th>Job</th><th>State</th><th>Hosts</th><th>By status</th><th>Units</th><th>Started</th><th>Elapsed</th><th>ETA</th><th>Units here</th></tr></thead>
        <tbody>
        {{#jobs}}
        <tr class="job" data-job="{{id}}"><td>{{id}}</td><td class="state">{{state}}</td><td><span class="bar" title="{{hostsDone}} of {{hosts}} hosts done"><span style="width: {{hostsPercent}}%"></span></span> <span class="hosts">{{hostsDone}}/{{hosts}}</span></td><td class="counts">{{#counts}}<span class="badge" data-status="{{status}}">{{status}} {{count}}</span> {{/counts}}</td><td class="units">{{unitsDone}}/{{units}}</td><td>{{started}}</td><td class="elapsed">{{elapsed}}</td><td class="eta">{{eta}}</td><td class="here">{{here}}</td></tr>
        {{/jobs}}
        {{^jobs}}<tr><td colspan="9" class="muted">no job is queued or running</td></tr>{{/jobs}}
        </tbody>
        </table>
        """

    static let zabbix = """
        <p><span class="{{resultClass}}">{{result}}</span> {{ago}}{{#server}} · {{server}}{{/server}} · value {{value}}</p>
        {{#message}}<p class="muted">{{message}}</p>{{/message}}
        """

    /// Compiled once.
    static let compiled: [String: MustacheTemplate] = {
        var out: [String: MustacheTemplate] = [:]
        for (name, text) in [
            ("page", page), ("services", services), ("leader", leader), ("children", children),
            ("zabbix", zabbix), ("gateways", gateways), ("jobs", jobs),
        ] {
            // The templates are constants of this file; StatusPageTests renders every one.
            out[name] = try! MustacheTemplate(string: text)
        }
        return out
    }()

    static func render(_ name: String, _ object: Any) -> String {
        compiled[name]!.render(object)
    }
}
