<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../plugin/query_panel.py" line="96"/>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="38"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="36"/>
        <source>Business type</source>
        <translation>业务类型</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="105"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>Deadline</source>
        <translation>时限</translation>
    </message>
    <message>
        <location filename="../plugin/case_model.py" line="67"/>
        <source>Changed on the server too: open the case to resolve the conflict</source>
        <translation>服务器上也已修改：打开案卷处理冲突</translation>
    </message>
    <message>
        <location filename="../plugin/case_model.py" line="71"/>
        <source>Local changes wait to be synchronised</source>
        <translation>本地修改等待同步</translation>
    </message>
    <message>
        <location filename="../plugin/case_model.py" line="74"/>
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <location filename="../plugin/case_model.py" line="76"/>
        <source>Deadline near</source>
        <translation>临近时限</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="43"/>
        <source>RedLine Approval — Query</source>
        <translation>红线审批 — 查询</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="69"/>
        <source>any</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="88"/>
        <source>overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="69"/>
        <source>not overdue</source>
        <translation>未超期</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="72"/>
        <source>anywhere</source>
        <translation>不限范围</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="72"/>
        <source>in the map extent</source>
        <translation>当前地图范围内</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="72"/>
        <source>in a drawn polygon</source>
        <translation>绘制的多边形内</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="72"/>
        <source>in the selected district polygon</source>
        <translation>所选行政区范围内</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>District</source>
        <translation>行政区</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>Created from</source>
        <translation>收件起</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>Created to</source>
        <translation>收件止</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>Area at least</source>
        <translation>面积不小于</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>Area at most</source>
        <translation>面积不大于</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>Where</source>
        <translation>空间范围</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="77"/>
        <source>District layer</source>
        <translation>行政区图层</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="86"/>
        <source>Draw polygon</source>
        <translation>绘制多边形</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="87"/>
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="88"/>
        <source>Select on map</source>
        <translation>地图上选中</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="89"/>
        <source>CSV…</source>
        <translation>CSV…</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="90"/>
        <source>GeoPackage…</source>
        <translation>GeoPackage…</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="96"/>
        <source>Area m²</source>
        <translation>面积 m²</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="166"/>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <location filename="../plugin/query_panel.py" line="171"/>
        <source>Export GeoPackage</source>
        <translation>导出 GeoPackage</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="45"/>
        <source>no cases</source>
        <translation>无案卷</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="65"/>
        <source>RedLine Approval — Statistics</source>
        <translation>红线审批 — 统计</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="70"/>
        <source>Cases per stage</source>
        <translation>各阶段案卷数</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="71"/>
        <source>Cases per business type</source>
        <translation>各业务类型案卷数</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="72"/>
        <source>Deadlines</source>
        <translation>办理时限</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="27"/>
        <source>New case</source>
        <translation>新建案卷</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="37"/>
        <source>District code</source>
        <translation>行政区代码</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="39"/>
        <source>Location</source>
        <translation>坐落</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="51"/>
        <source>A two-letter district code and the applicant are needed.</source>
        <translation>需要两位字母的行政区代码和申请人。</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="69"/>
        <source>Resolve conflict — {number}</source>
        <translation>处理冲突 — {number}</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="76"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="76"/>
        <source>Mine (local)</source>
        <translation>我的（本地）</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="76"/>
        <source>Theirs (server)</source>
        <translation>对方（服务器）</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="99"/>
        <source>my red line ({n} parcel(s))</source>
        <translation>我的红线（{n} 个地块）</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="101"/>
        <source>server&apos;s red line ({n} parcel(s))</source>
        <translation>服务器的红线（{n} 个地块）</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="31"/>
        <source>red line</source>
        <translation>红线</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="88"/>
        <source>on time</source>
        <translation>正常</translation>
    </message>
    <message>
        <location filename="../plugin/stats_panel.py" line="88"/>
        <source>near</source>
        <translation>临近</translation>
    </message>
    <message>
        <location filename="../plugin/case_model.py" line="69"/>
        <source>The server refused a change: open the case to retry, fix or discard it</source>
        <translation>服务器拒绝了一项修改：打开案卷以重试、补正或放弃</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="51"/>
        <source>{number} approval map</source>
        <translation>{number} 审批图</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="52"/>
        <source>{business} approval map</source>
        <translation>{business}审批图</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="64"/>
        <source>m</source>
        <translation>米</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="72"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="102"/>
        <source>Case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="106"/>
        <source>CRS</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="132"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="127"/>
        <source>Areas: ellipsoidal (CGCS2000), as in the case form.</source>
        <translation>面积为 CGCS2000 椭球面积，与案卷表单一致。</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="133"/>
        <source>Handled by</source>
        <translation>经办</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="133"/>
        <source>Reviewed by</source>
        <translation>审核</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="133"/>
        <source>Approved by</source>
        <translation>审定</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="71"/>
        <source>The same fields changed on the server while you edited them. Choose per field which value to keep; changes made on one side only are already merged. Nothing is lost until you confirm.</source>
        <translation>您编辑期间，服务器上同样的字段也被修改了。请逐项选择保留哪个值；仅一方修改的内容已自动合并。确认之前不会丢失任何内容。</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="76"/>
        <source>Before (common base)</source>
        <translation>修改前（共同基础）</translation>
    </message>
    <message>
        <location filename="../plugin/dialogs.py" line="109"/>
        <source>{n} parcel(s)</source>
        <translation>{n} 个地块</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="30"/>
        <source>registration</source>
        <translation>登记</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="30"/>
        <source>form change</source>
        <translation>表单修改</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="31"/>
        <source>opinion</source>
        <translation>意见</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="32"/>
        <source>attachment</source>
        <translation>附件</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="32"/>
        <source>workflow step</source>
        <translation>流程环节</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="36"/>
        <source>pass</source>
        <translation>通过</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="36"/>
        <source>warning</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="36"/>
        <source>conflict</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="58"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="59"/>
        <source>Attach materials…</source>
        <translation>补充材料…</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="60"/>
        <source>Discard my changes</source>
        <translation>放弃我的修改</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="71"/>
        <source>Removed on the server while you had changes.</source>
        <translation>服务器已删除此案卷，而本地仍有修改。</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="73"/>
        <source>Keep as a new case</source>
        <translation>另存为新案卷</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="74"/>
        <source>Drop my copy</source>
        <translation>放弃本地副本</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="85"/>
        <source>Open report</source>
        <translation>打开报告</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="86"/>
        <source>Open workbook</source>
        <translation>打开表格</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="110"/>
        <source>{n} change(s) refused by the server</source>
        <translation>{n} 项修改被服务器拒绝</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="118"/>
        <source>Last check {time}: &lt;b style=&apos;color:{colour}&apos;&gt;{status}&lt;/b&gt;, {n} conflict(s)</source>
        <translation>上次审查 {time}：&lt;b style='color:{colour}'&gt;{status}&lt;/b&gt;，{n} 项冲突</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="135"/>
        <source>Materials for {n}</source>
        <translation>{n} 的材料</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="147"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../plugin/case_status.py" line="147"/>
        <source>Drop your unsent and refused changes of {n}? The case returns to the server&apos;s copy.</source>
        <translation>放弃 {n} 未上传和被拒绝的修改？案卷将恢复为服务器上的版本。</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="22"/>
        <source>Project name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="22"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="23"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="23"/>
        <source>Intended use</source>
        <translation>拟用途</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="24"/>
        <source>Declared area (m²)</source>
        <translation>申报面积（平方米）</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="25"/>
        <source>Investment (10 000 yuan)</source>
        <translation>投资（万元）</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="26"/>
        <source>Floor area ratio</source>
        <translation>容积率</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="26"/>
        <source>Building density (%)</source>
        <translation>建筑密度（%）</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="27"/>
        <source>Green ratio (%)</source>
        <translation>绿地率（%）</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="27"/>
        <source>Height limit (m)</source>
        <translation>限高（米）</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="28"/>
        <source>Land use class</source>
        <translation>用地分类</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="28"/>
        <source>Decision</source>
        <translation>决定</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="29"/>
        <source>Conditions</source>
        <translation>条件</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="29"/>
        <source>Certificate number</source>
        <translation>证书编号</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="30"/>
        <source>Issued on</source>
        <translation>核发日期</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="35"/>
        <source>approved</source>
        <translation>批准</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="35"/>
        <source>rejected</source>
        <translation>不予批准</translation>
    </message>
    <message>
        <location filename="../plugin/form_widgets.py" line="36"/>
        <source>approved with conditions</source>
        <translation>附条件批准</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="95"/>
        <source>No red line yet.</source>
        <translation>尚无红线。</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="114"/>
        <source>Parcel</source>
        <translation>地块</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="114"/>
        <source>Area (m²)</source>
        <translation>面积（平方米）</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="114"/>
        <source>ha</source>
        <translation>公顷</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="114"/>
        <source>mu</source>
        <translation>亩</translation>
    </message>
    <message>
        <location filename="../plugin/layout_tool.py" line="123"/>
        <source>Total</source>
        <translation>合计</translation>
    </message>
</context>
<context>
    <name>CaseDock</name>
    <message>
        <location filename="../plugin/case_dock.py" line="63"/>
        <source>RedLine Approval — Cases</source>
        <translation>红线审批 — 案卷</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="73"/>
        <source>Open store…</source>
        <translation>打开案卷库…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="75"/>
        <source>New case…</source>
        <translation>新建案卷…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="76"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="77"/>
        <source>Pick on map</source>
        <translation>地图点选</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="83"/>
        <source>No case store opened yet.</source>
        <translation>尚未打开案卷库。</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="90"/>
        <source>Search number, applicant, business type…</source>
        <translation>搜索编号、申请人、业务类型…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="140"/>
        <source>Resolve conflict…</source>
        <translation>处理冲突…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="151"/>
        <source>Application</source>
        <translation>申请表</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="151"/>
        <source>Indicators</source>
        <translation>指标表</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="151"/>
        <source>Approval</source>
        <translation>审批表</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="156"/>
        <source>Red line</source>
        <translation>红线</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="157"/>
        <source>Opinions</source>
        <translation>意见</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="160"/>
        <source>Save forms</source>
        <translation>保存表单</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="163"/>
        <source>Reason (send back, suspend, extend…)</source>
        <translation>理由（退回、挂起、延时…）</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="164"/>
        <source>Apply step</source>
        <translation>办理</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="178"/>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="179"/>
        <source>Draw</source>
        <translation>绘制</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="180"/>
        <source>Compliance check</source>
        <translation>合规性审查</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="181"/>
        <source>Print layout</source>
        <translation>出图</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>Parcel</source>
        <translation>地块</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>Declared m²</source>
        <translation>申报 m²</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>Map m²</source>
        <translation>图上 m²</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>Ellipsoidal m²</source>
        <translation>椭球 m²</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>ha</source>
        <translation>公顷</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>mu</source>
        <translation>亩</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="187"/>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="216"/>
        <source>Opinion on the current stage</source>
        <translation>本阶段意见</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="219"/>
        <source>Sign</source>
        <translation>签字</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="220"/>
        <source>Add opinion</source>
        <translation>添加意见</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="252"/>
        <source>All stages</source>
        <translation>全部阶段</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="268"/>
        <source>Store: {path} · last sync: {last} · pending: {p} · conflicts: {c} · refused: {f}</source>
        <translation>案卷库：{path} · 上次同步：{last} · 待上传：{p} · 冲突：{c} · 被拒：{f}</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="348"/>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="348"/>
        <source>NO</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="361"/>
        <source>Parcel {n}: form {d:,.2f} m² but map {m:,.2f} m²</source>
        <translation>地块 {n}：表单 {d:,.2f} m²，图上 {m:,.2f} m²</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="405"/>
        <source>No findings: the red line is valid.</source>
        <translation>未发现问题：红线有效。</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="421"/>
        <source>Forms saved; they reach the server at the next sync.</source>
        <translation>表单已保存，下次同步时提交服务器。</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="315"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="315"/>
        <source>Deadline</source>
        <translation>时限</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="387"/>
        <source>Accept</source>
        <translation>受理</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="387"/>
        <source>Submit for first review</source>
        <translation>提交初审</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="388"/>
        <source>Pass first review</source>
        <translation>初审通过</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="389"/>
        <source>Pass review</source>
        <translation>审核通过</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="389"/>
        <source>Decide</source>
        <translation>审定</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="390"/>
        <source>Close</source>
        <translation>办结</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="390"/>
        <source>Send back</source>
        <translation>退回</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="391"/>
        <source>Suspend</source>
        <translation>挂起</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="391"/>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="392"/>
        <source>Extend</source>
        <translation>延时</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="392"/>
        <source>Terminate</source>
        <translation>中止</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="74"/>
        <source>New store…</source>
        <translation>新建案卷库…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="447"/>
        <source>Rename parcel…</source>
        <translation>重命名地块…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="448"/>
        <source>Delete parcel…</source>
        <translation>删除地块…</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="464"/>
        <source>Rename parcel</source>
        <translation>重命名地块</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="460"/>
        <source>Parcel number</source>
        <translation>地块编号</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="464"/>
        <source>Parcel name</source>
        <translation>地块名称</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="472"/>
        <source>Delete parcel</source>
        <translation>删除地块</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="472"/>
        <source>Delete parcel {p} from the red line of {n}?</source>
        <translation>从 {n} 的红线中删除地块 {p}？</translation>
    </message>
    <message>
        <location filename="../plugin/case_dock.py" line="409"/>
        <source>RedLine Approval</source>
        <translation>红线审批</translation>
    </message>
</context>
<context>
    <name>ComplianceCheck</name>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="57"/>
        <source>Compliance check (red lines against control layers)</source>
        <translation>合规性审查（红线与管控图层叠加）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="69"/>
        <source>Red-line parcels</source>
        <translation>红线地块</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="71"/>
        <source>Parcel number field</source>
        <translation>地块编号字段</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="77"/>
        <source>Intended use field</source>
        <translation>用途字段</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="80"/>
        <source>Intended use for all parcels (e.g. 工业用地)</source>
        <translation>全部地块的用途（如 工业用地）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="82"/>
        <source>Check profile (TOML or JSON)</source>
        <translation>审查方案（TOML或JSON）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="84"/>
        <source>Overlaps</source>
        <translation>重叠部分</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="175"/>
        <source>PDF report: {path}</source>
        <translation>PDF报告：{path}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="86"/>
        <source>Result (JSON)</source>
        <translation>结果（JSON）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="86"/>
        <source>Report (HTML)</source>
        <translation>报告（HTML）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="86"/>
        <source>Report (PDF)</source>
        <translation>报告（PDF）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="74"/>
        <source>Parcel name field</source>
        <translation>地块名称字段</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="60"/>
        <source>Overlays each red-line parcel with the control layers of a check profile (planning, ecological protection red line, permanent basic farmland, urban development boundary, forest land, approved red lines) in the parcels' CGCS2000 zone, and gives overlap areas per layer and class and a verdict per rule. Writes the overlaps as a layer and optionally JSON, an Excel workbook (汇总 and one sheet per layer), HTML and PDF reports. Invalid red lines are refused with what is wrong and where.</source>
        <translation>在红线所在的 CGCS2000 分带内，将每个红线地块与审查方案中的管控图层（国土空间规划、生态保护红线、永久基本农田、城镇开发边界、林地、已批红线）叠加，按图层和分类给出占用面积（有扣除系数时同时给出扣除后面积），并按规则给出结论。叠加结果输出为图层，可选输出 JSON、Excel 工作簿（汇总表及每个图层一张分表）、HTML 和 PDF 报告。无法叠加的无效红线将被拒绝，并说明问题及其位置。</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/compliance_check.py" line="86"/>
        <source>Workbook (XLSX)</source>
        <translation>工作簿（XLSX）</translation>
    </message>
</context>
<context>
    <name>ConvertCoordinates</name>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="30"/>
        <source>Convert coordinates to CGCS2000 (file)</source>
        <translation>坐标转换为CGCS2000（文件）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="43"/>
        <source>Input file</source>
        <translation>输入文件</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="44"/>
        <source>Source CRS (empty: the file&apos;s own)</source>
        <translation>源坐标系（空：使用文件自带）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="46"/>
        <source>Target: the CGCS2000 3-degree zone of the data</source>
        <translation>目标：数据所在的CGCS2000三度带</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="51"/>
        <source>Parameter file (JSON)</source>
        <translation>参数文件（JSON）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="53"/>
        <source>Densify edges bending more than (m)</source>
        <translation>弯曲超过此值（米）的边加密</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="56"/>
        <source>Output file</source>
        <translation>输出文件</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="77"/>
        <source>{n} features/points written in {crs}</source>
        <translation>已写出 {n} 个要素/点，坐标系 {crs}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="33"/>
        <source>Converts a point CSV (id,x,y: x northing), a ministry coordinate file, a GeoPackage, Shapefile, GeoJSON or DXF into another CRS. Between Beijing 1954 / Xian 1980 and CGCS2000 a parameter file (7- or 4-parameter, from &apos;Fit transformation parameters&apos;) is required; its source and target CRSs are used unless given here. Layers are converted in bulk through GDAL; attributes and encodings are kept; edges are densified where they would bend more than the tolerance. Warns when data lie well outside the area the parameters were fitted on.</source>
        <translation>将点位 CSV（id,x,y：x 为北坐标）、部颁坐标文件、GeoPackage、Shapefile、GeoJSON 或 DXF 转换到另一坐标系。北京1954 / 西安1980 与 CGCS2000 之间的转换需要参数文件（七参数或四参数，由“根据公共点计算转换参数”生成）；未在此指定时，使用参数文件中的源坐标系和目标坐标系。图层经 GDAL 批量转换，属性与编码保持不变；转换后弯曲超过容差的边会加密。数据远离参数拟合区域时给出警告。</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/convert_coordinates.py" line="48"/>
        <source>Target CRS (empty: the parameter file&apos;s, else automatic)</source>
        <translation>目标坐标系（留空：取参数文件的目标坐标系，否则自动）</translation>
    </message>
</context>
<context>
    <name>ExportCoordinateFile</name>
    <message>
        <location filename="../processing_algorithms/export_redline.py" line="27"/>
        <source>Export red line as ministry coordinate file</source>
        <translation>红线导出为部标坐标文件</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/export_redline.py" line="30"/>
        <source>Red-line layer</source>
        <translation>红线图层</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/export_redline.py" line="32"/>
        <source>Parcel number field</source>
        <translation>地块编号字段</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/export_redline.py" line="35"/>
        <source>Parcel name field</source>
        <translation>地块名称字段</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/export_redline.py" line="38"/>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/export_redline.py" line="40"/>
        <source>Coordinate file</source>
        <translation>坐标文件</translation>
    </message>
</context>
<context>
    <name>FitParameters</name>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="32"/>
        <source>Fit transformation parameters from common points</source>
        <translation>由公共点计算转换参数</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="44"/>
        <source>Common points (CSV)</source>
        <translation>公共点（CSV）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="46"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="48"/>
        <source>Rotation convention</source>
        <translation>旋转约定</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="50"/>
        <source>Source CRS</source>
        <translation>源坐标系</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="51"/>
        <source>Target CRS</source>
        <translation>目标坐标系</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="62"/>
        <source>Parameter file</source>
        <translation>参数文件</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="64"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="35"/>
        <source>Least-squares fit from a CSV id,x1,y1,x2,y2[,h1,h2] (x northing). Without heights both sides take the assumed ellipsoidal height. Gross errors are found one point at a time by an F test of each point's residual (leverage counted) at the significance level given, and the fit repeated. The report gives every parameter with its standard deviation, σ0, Mx/My/Mp, the residuals and the check points, and warns when the common points span too small an area for seven parameters.</source>
        <translation>由 CSV（id,x1,y1,x2,y2[,h1,h2]，x 为北坐标）按最小二乘计算转换参数。未给出高程时，两侧均取假定椭球高。粗差逐点检验：按给定显著水平对每个点的残差作 F 检验（计及杠杆作用），剔除后重新计算。报告列出每个参数及其中误差、σ0、Mx/My/Mp、残差和检核点；公共点分布范围过小不宜用七参数时给出警告。</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="53"/>
        <source>Assumed ellipsoidal height when the points carry none (m)</source>
        <translation>未给出高程时的假定椭球高（米）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="56"/>
        <source>Significance level of the gross-error test</source>
        <translation>粗差检验的显著水平</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/fit_parameters.py" line="59"/>
        <source>Check points (CSV, same columns; not used in the fit)</source>
        <translation>检核点（CSV，列同公共点；不参与计算）</translation>
    </message>
</context>
<context>
    <name>ImportRedline</name>
    <message>
        <location filename="../processing_algorithms/import_redline.py" line="41"/>
        <source>Import red line (coordinate file, DXF, GIS)</source>
        <translation>导入红线（坐标文件、DXF、GIS）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_redline.py" line="44"/>
        <source>Reads a ministry coordinate file (GBK or UTF-8, any real-world variant), a DXF of closed polylines or a GIS file, decides holes and parts from geometry and writes one feature per parcel with its planar and ellipsoidal areas (m², ha, mu).</source>
        <translation>读取部标坐标文件（GBK或UTF-8，各种实际变体）、闭合多段线DXF或GIS文件，按几何判断洞与部件，每个地块输出一个要素，附平面面积和椭球面积（平方米、公顷、亩）。</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_redline.py" line="50"/>
        <source>Red-line file</source>
        <translation>红线文件</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_redline.py" line="51"/>
        <source>CRS when the file carries none (DXF)</source>
        <translation>文件无坐标系时使用（DXF）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_redline.py" line="53"/>
        <source>Red-line parcels</source>
        <translation>红线地块</translation>
    </message>
</context>
<context>
    <name>RedlineAlgorithm</name>
    <message>
        <location filename="../processing_algorithms/base.py" line="20"/>
        <source>Red lines</source>
        <translation>红线</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="21"/>
        <source>Coordinates</source>
        <translation>坐标</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="22"/>
        <source>Compliance check</source>
        <translation>合规性审查</translation>
    </message>
</context>
<context>
    <name>RedlineApprovalPlugin</name>
    <message>
        <location filename="../plugin/missing.py" line="20"/>
        <source>RedLine Approval needs {missing}. Install with: {cmd}</source>
        <translation>红线审批插件需要 {missing}。安装命令：{cmd}</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="160"/>
        <source>RedLine Approval</source>
        <translation>红线审批</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="87"/>
        <source>Cases</source>
        <translation>案卷</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="89"/>
        <source>Query cases</source>
        <translation>案卷查询</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="89"/>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="94"/>
        <source>Convert coordinates…</source>
        <translation>坐标转换…</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="98"/>
        <source>Compliance check…</source>
        <translation>合规性审查…</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="98"/>
        <source>Fit transformation parameters…</source>
        <translation>计算转换参数…</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="98"/>
        <source>Import red line…</source>
        <translation>导入红线…</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="98"/>
        <source>Validate red line…</source>
        <translation>红线检查…</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="105"/>
        <source>Server and login…</source>
        <translation>服务器与登录…</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="108"/>
        <source>Check profile…</source>
        <translation>审查方案…</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="239"/>
        <source>Red line of {n}</source>
        <translation>{n} 的红线</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="239"/>
        <source>Red lines (*.txt *.dxf *.gpkg *.shp *.geojson)</source>
        <translation>红线文件 (*.txt *.dxf *.gpkg *.shp *.geojson)</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="251"/>
        <source>Red line imported: {n} finding(s), {e} error(s)</source>
        <translation>红线已导入：{n} 个问题，其中 {e} 个错误</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="311"/>
        <source>Pick a case first</source>
        <translation>请先选择案卷</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="322"/>
        <source>Check profile</source>
        <translation>审查方案</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="322"/>
        <source>Check profile (*.toml *.json)</source>
        <translation>审查方案 (*.toml *.json)</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="339"/>
        <source>Compliance check of {n} started</source>
        <translation>{n} 的合规性审查已开始</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="354"/>
        <source>Check cancelled</source>
        <translation>审查已取消</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="394"/>
        <source>Approval server</source>
        <translation>审批服务器</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="387"/>
        <source>URL</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="391"/>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="394"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="435"/>
        <source>Conflict resolved; the result goes to the server at the next sync.</source>
        <translation>冲突已处理，结果将在下次同步时提交服务器。</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="27"/>
        <source>&amp;RedLine Approval</source>
        <translation>红线审批(&amp;R)</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="143"/>
        <source>No Chinese font is installed: Chinese text shows as boxes and reports cannot embed it. Install one, e.g. on Debian or Ubuntu: sudo apt install fonts-noto-cjk</source>
        <translation>未安装中文字体：中文将显示为方框，报告也无法嵌入中文。请安装字体，例如在 Debian 或 Ubuntu 上执行：sudo apt install fonts-noto-cjk</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="180"/>
        <source>Open case store</source>
        <translation>打开案卷库</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="188"/>
        <source>New case store</source>
        <translation>新建案卷库</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="195"/>
        <source>{p} exists: open it with Open store…</source>
        <translation>{p} 已存在：请用“打开案卷库…”打开</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="233"/>
        <source>Replace red line</source>
        <translation>替换红线</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="233"/>
        <source>Case {n} has a red line of {k} parcel(s). Replace it with the file&apos;s?</source>
        <translation>案卷 {n} 已有 {k} 个地块的红线。用文件中的红线替换吗？</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="285"/>
        <source>The server would refuse this step</source>
        <translation>服务器将拒绝此环节</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="285"/>
        <source>{n}:
{rules}

Queue it anyway?</source>
        <translation>{n}：
{rules}

仍然加入待上传队列吗？</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="299"/>
        <source>Step {name} queued; nothing blocks it on the server.</source>
        <translation>环节“{name}”已加入队列；服务器预检无阻碍。</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="302"/>
        <source>Step {name} queued; the server checks its rules at the next sync.</source>
        <translation>环节“{name}”已加入队列；服务器将在下次同步时检查规则。</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="350"/>
        <source>The red line cannot be checked: {n} problem(s), listed under Red line and marked on the map</source>
        <translation>红线无法审查：{n} 个问题，已列在“红线”页并在地图上标出</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="359"/>
        <source>Check finished: {s}. The report and the workbook open from the case form.</source>
        <translation>审查完成：{s}。可在案卷表单中打开报告和表格。</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="274"/>
        <source>Asking the server whether step {name} of {n} can be taken…</source>
        <translation>正在向服务器预检案卷 {n} 的环节“{name}”……</translation>
    </message>
    <message>
        <location filename="../plugin/main.py" line="300"/>
        <source>Step {name} queued although the server&apos;s rules block it: it will be refused at the sync until they are met.</source>
        <translation>环节“{name}”已加入队列，但服务器规则不允许：在满足规则之前，同步时将被退回。</translation>
    </message>
</context>
<context>
    <name>ValidateRedline</name>
    <message>
        <location filename="../processing_algorithms/validate_redline.py" line="31"/>
        <source>Validate red line</source>
        <translation>红线检查</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/validate_redline.py" line="34"/>
        <source>Self-intersections, unclosed or degenerate rings, too few points, duplicates, spikes, overlapping parts and parcels, coordinates outside the zone and declared areas that differ from the map. Nothing is fixed: findings are reported.</source>
        <translation>检查自相交、未闭合或退化的环、点数不足、重复点、尖刺、部件和地块重叠、坐标超出投影带以及申报面积与图上面积不符。只报告问题，不自动修改。</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/validate_redline.py" line="40"/>
        <source>Red-line file</source>
        <translation>红线文件</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/validate_redline.py" line="41"/>
        <source>CRS when the file carries none (DXF)</source>
        <translation>文件无坐标系时使用（DXF）</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/validate_redline.py" line="43"/>
        <source>Findings</source>
        <translation>问题</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <location filename="../plugin/workspace.py" line="71"/>
        <source>Red lines of cases</source>
        <translation>案卷红线</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="73"/>
        <source>Cases</source>
        <translation>案卷</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="144"/>
        <source>RedLine Approval</source>
        <translation>红线审批</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="100"/>
        <source>Case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="92"/>
        <source>Parcel</source>
        <translation>地块</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="93"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="93"/>
        <source>Use</source>
        <translation>用途</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="94"/>
        <source>Declared area (m²)</source>
        <translation>申报面积（平方米）</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="95"/>
        <source>Planar area (m²)</source>
        <translation>平面面积（平方米）</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="96"/>
        <source>Ellipsoidal area (m²)</source>
        <translation>椭球面积（平方米）</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="97"/>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="97"/>
        <source>CRS code</source>
        <translation>坐标系代码</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="100"/>
        <source>Business type</source>
        <translation>业务类型</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="101"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="101"/>
        <source>Applicant</source>
        <translation>申请人</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="102"/>
        <source>Location</source>
        <translation>坐落</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="102"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="103"/>
        <source>Handler</source>
        <translation>经办人</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="103"/>
        <source>Due</source>
        <translation>办结期限</translation>
    </message>
    <message>
        <location filename="../plugin/workspace.py" line="104"/>
        <source>Deadline status</source>
        <translation>期限状态</translation>
    </message>
</context>
</TS>
