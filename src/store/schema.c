#include "dutydesk/schema.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dutydesk/util.h"

#define END {NULL, NULL, NULL}

const struct enum_value ENUM_LEVEL[] = {
	{"I", "特别重大", "I (extraordinary)"}, {"II", "重大", "II (major)"},
	{"III", "较大", "III (large)"},         {"IV", "一般", "IV (ordinary)"},
	{"pending", "待定", "pending"},          END};
const struct enum_value ENUM_INCIDENT_STATUS[] = {
	{"open", "处置中", "open"}, {"closed", "已结束", "closed"}, END};
const struct enum_value ENUM_CLASS[] = {
	{"natural_disaster", "自然灾害", "natural disaster"},
	{"accident", "事故灾难", "accident"},
	{"public_health", "公共卫生事件", "public health"},
	{"social_security", "社会安全事件", "social security"}, END};
const struct enum_value ENUM_HAZARD_KIND[] = {
	{"geohazard", "地质灾害隐患点", "geological hazard point"},
	{"fire_unit", "消防重点单位", "fire key unit"},
	{"major_source", "重大危险源", "major hazard source"},
	{"flood_point", "防汛重点部位", "flood point"}, END};
const struct enum_value ENUM_SCALE[] = {
	{"large", "大型", "large"}, {"medium", "中型", "medium"}, {"small", "小型", "small"}, END};
const struct enum_value ENUM_GEO_SUBTYPE[] = {
	{"landslide", "滑坡", "landslide"}, {"collapse", "崩塌", "collapse"},
	{"debris_flow", "泥石流", "debris flow"}, {"ground_subsidence", "地面塌陷", "ground subsidence"},
	{"ground_fissure", "地裂缝", "ground fissure"}, {"unstable_slope", "不稳定斜坡", "unstable slope"},
	END};
const struct enum_value ENUM_FIRE_SUBTYPE[] = {
	{"middle_school", "中学", "middle school"}, {"kindergarten", "幼儿园", "kindergarten"},
	{"hospital", "医院", "hospital"}, {"scenic", "旅游景点", "scenic spot"},
	{"market", "商场市场", "market"}, {"other", "其他", "other"}, END};
const struct enum_value ENUM_MAJOR_SUBTYPE[] = {
	{"gas_well", "天然气井", "gas well"}, {"gas_storage", "储气设施", "gas storage"},
	{"gas_pipeline", "输气管道", "gas pipeline"}, {"lng_station", "LNG站", "LNG station"},
	{"other", "其他", "other"}, END};
const struct enum_value ENUM_FLOOD_SUBTYPE[] = {
	{"waterlogging", "易涝点", "waterlogging"}, {"riverbank", "河岸堤防", "riverbank"},
	{"reservoir", "水库淤地坝", "reservoir"}, {"underpass", "下穿通道", "underpass"},
	{"other", "其他", "other"}, END};
const struct enum_value ENUM_HAZARD_STATUS[] = {
	{"registered", "在册", "registered"}, {"mitigated", "已治理", "mitigated"},
	{"relocated", "已搬迁", "relocated"}, {"written_off", "已核销", "written off"}, END};
/* 险情等级 of a geological hazard point, from the people it threatens. */
const struct enum_value ENUM_DANGER[] = {
	{"huge", "特大型", "very large (1000+ people)"}, {"large", "大型", "large (500-999)"},
	{"medium", "中型", "medium (100-499)"}, {"small", "小型", "small (under 100)"}, END};
const struct enum_value ENUM_DEFECT_STATE[] = {
	{"open", "待整改", "open"}, {"rectifying", "整改中", "being rectified"},
	{"rectified", "已整改", "rectified"}, END};
const struct enum_value ENUM_INSPECTION_KIND[] = {
	{"pre_flood", "汛前排查", "pre-flood check"}, {"in_flood", "汛中巡查", "in-flood patrol"},
	{"post_flood", "汛后核查", "post-flood check"}, {"patrol", "日常巡查", "routine patrol"}, END};
const struct enum_value ENUM_RESULT[] = {
	{"normal", "正常", "normal"}, {"abnormal", "异常", "abnormal"}, END};
const struct enum_value ENUM_ITEM_CATEGORY[] = {
	{"protection", "防护用品", "protection"},
	{"life_rescue", "生命救助", "life rescue"},
	{"life_support", "生命支持", "life support"},
	{"rescue_transport", "救援运载", "rescue transport"},
	{"food_shelter", "临时食宿", "temporary food and shelter"},
	{"pollution_cleanup", "污染清理", "pollution clean-up"},
	{"power_fuel", "动力燃料", "power and fuel"},
	{"engineering_equipment", "工程设备", "engineering equipment"},
	{"tools", "器材工具", "tools"},
	{"lighting", "照明设备", "lighting"},
	{"communication", "通讯广播", "communication and broadcast"},
	{"transport", "交通运输", "transport"},
	{"engineering_materials", "工程材料", "engineering materials"}, END};
const struct enum_value ENUM_MOVEMENT_KIND[] = {
	{"receive", "入库", "receipt"}, {"issue", "出库", "issue"},
	{"transfer_out", "调出", "transfer out"}, {"transfer_in", "调入", "transfer in"},
	{"adjust", "盘点调整", "adjustment"}, {"writeoff", "报废", "write-off"},
	{"return", "归还", "return"}, END};
const struct enum_value ENUM_DEPOT_LEVEL[] = {
	{"county", "县级", "county"}, {"township", "乡镇", "township"}, END};
const struct enum_value ENUM_TEAM_TYPE[] = {
	{"fire_rescue", "综合性消防救援队伍", "comprehensive fire rescue"},
	{"professional", "专业救援队伍", "professional"},
	{"militia", "民兵应急队伍", "militia"},
	{"enterprise", "企业专职队伍", "enterprise"},
	{"volunteer", "社会志愿者队伍", "volunteer"}, END};
/* An expert's field (data/responders.csv names them for each incident type). */
const struct enum_value ENUM_EXPERT_FIELD[] = {
	{"geology", "地质", "geology"}, {"hydrology", "水文水利", "hydrology"},
	{"meteorology", "气象", "meteorology"}, {"fire", "消防", "fire"},
	{"hazardous_chemicals", "危险化学品", "hazardous chemicals"},
	{"medical", "医疗卫生", "medical"}, {"structural", "建筑结构", "structural"},
	{"power", "电力", "power"}, {"gas", "燃气", "gas"}, {"mining", "矿山", "mining"}, END};
const struct enum_value ENUM_TIMELINE_KIND[] = {
	{"received", "接报", "received"}, {"first_report", "首报", "initial report"},
	{"follow_up", "续报", "follow-up report"}, {"final_report", "终报", "final report"},
	{"instruction", "领导批示", "leader's instruction"}, {"dispatch", "调度", "dispatch"},
	{"action", "处置", "action"}, {"note", "记录", "note"}, {"correction", "更正", "correction"},
	{"status", "状态", "status"}, END};
const struct enum_value ENUM_CHANNEL[] = {
	{"phone", "电话", "phone"}, {"fax", "传真", "fax"},
	{"national_system", "国家系统", "national system"}, {"sms", "短信", "SMS"},
	{"in_person", "当面", "in person"}, {"higher_level", "上级转办", "forwarded by higher level"},
	END};
const struct enum_value ENUM_VIA[] = {
	{"phone", "电话", "phone"}, {"written", "书面", "in writing"}, {"fax", "传真", "fax"},
	{"system", "系统", "national system"}, END};
const struct enum_value ENUM_DUTY_KIND[] = {
	{"call", "来电", "call"}, {"warning", "预警", "warning received"},
	{"notice", "通知", "notice forwarded"}, {"checkin", "报到", "check-in"},
	{"nil_report", "零报告", "nil report"}, {"other", "其他", "other"}, END};
const struct enum_value ENUM_COLOUR[] = {
	{"blue", "蓝色", "blue"}, {"yellow", "黄色", "yellow"}, {"orange", "橙色", "orange"},
	{"red", "红色", "red"}, END};

const struct enum_value ENUM_ROSTER_SHIFT[] = {
	{"all", "全天", "all day"}, {"day", "白班", "day"}, {"night", "夜班", "night"}, END};
const struct enum_value ENUM_CONTACT_GROUP[] = {
	{"county_leader", "县领导", "county leaders"},
	{"township_leader", "乡镇领导", "township leaders"},
	{"department", "部门", "departments"},
	{"info_officer", "灾害信息员", "disaster information officers"},
	{"monitor", "监测员", "hazard monitors"}, {"team", "救援队伍", "teams"}, END};

#define COLS(t, ...) static const struct column t##_cols[] = {__VA_ARGS__}
#define TABLE(sym, nm, app, code) \
	const struct table sym = {nm, app, sym##_cols, ARRAY_LEN(sym##_cols), code}
#define TXT(n) {n, CT_TEXT, NULL, NULL, NULL, 0, 0, false}
#define TXT_REQ(n) {n, CT_TEXT, NULL, NULL, NULL, 0, 0, true}
#define INT(n, lo, hi) {n, CT_INT, NULL, NULL, NULL, lo, hi, false}
#define REAL(n, lo, hi) {n, CT_REAL, NULL, NULL, NULL, lo, hi, false}
#define BOOL(n) {n, CT_BOOL, NULL, NULL, NULL, 0, 1, false}
#define TIME(n) {n, CT_TIME, NULL, NULL, NULL, 0, 0, false}
#define ENUM(n, v) {n, CT_ENUM, NULL, v, NULL, 0, 0, false}
#define ENUM_REQ(n, v) {n, CT_ENUM, NULL, v, NULL, 0, 0, true}
#define TOWNSHIP {"township_code", CT_TOWNSHIP, "township", NULL, NULL, 0, 0, false}
#define VILLAGE {"village_code", CT_VILLAGE, "village", NULL, NULL, 0, 0, false}
#define REF(n, in, t, req) {n, CT_REF, in, NULL, t, 0, 0, req}
#define COUNT(n) INT(n, 0, 100000000)
#define LON REAL("lon", -180, 180)
#define LAT REAL("lat", -90, 90)

COLS(T_CONTACT, TXT_REQ("name"), TXT("org"), TXT("post"), TXT("phone"), TXT("mobile"), TOWNSHIP,
     TXT("notes"), {"grp", CT_ENUM, "group", ENUM_CONTACT_GROUP, NULL, 0, 0, false},
     TXT("phones"));
TABLE(T_CONTACT, "contact", false, NULL);

COLS(T_HAZARD, TXT_REQ("code"), ENUM_REQ("kind", ENUM_HAZARD_KIND), TXT("subtype"),
     TXT_REQ("name"), TOWNSHIP, VILLAGE, TXT("grp"), TXT("address"), LON, LAT,
     ENUM("status", ENUM_HAZARD_STATUS), TXT("status_reason"), TXT("notes"),
     ENUM("scale", ENUM_SCALE), REAL("volume_m3", 0, 1e12), TXT("stability"), TXT("triggers"),
     BOOL("road"), BOOL("county_town"), BOOL("high_risk"), COUNT("households"), COUNT("people"),
     REAL("property_10k", 0, 1e12), TXT("resp_township"), TXT("resp_township_phone"),
     TXT("resp_village"), TXT("resp_village_phone"), TXT("monitor"), TXT("monitor_phone"),
     TXT("monitor_method"), TXT("monitor_freq"), TXT("warning_signal"), TXT("evac_route"),
     TXT("shelter"), BOOL("hazard_card"), COUNT("evac_cards"), TXT("resp_person"),
     TXT("resp_phone"), TXT("mgr_person"), TXT("mgr_phone"), INT("floors", 0, 300),
     REAL("area_m2", 0, 1e9), COUNT("occupancy"), TXT("enterprise"), TXT("substance"),
     INT("grade", 1, 4), TXT("principal"), TXT("principal_phone"), TXT("technical"),
     TXT("technical_phone"), TXT("operational"), TXT("operational_phone"), BOOL("to_verify"),
     TXT("monitor_contact_id"));
TABLE(T_HAZARD, "hazard", false, "code");

COLS(T_HOUSEHOLD, REF("hazard_id", "hazard_code", "hazard", true), TXT_REQ("head"),
     TXT("address"), COUNT("members"), TXT("phone"), TIME("evacuated_at"), TXT("evacuated_by"));
TABLE(T_HOUSEHOLD, "household", false, NULL);

COLS(T_INSPECTION, REF("hazard_id", "hazard", "hazard", true),
     ENUM_REQ("kind", ENUM_INSPECTION_KIND), TIME("at"), TXT("inspector"),
     ENUM_REQ("result", ENUM_RESULT), TXT("note"), TXT("photos"));
TABLE(T_INSPECTION, "inspection", true, NULL);

COLS(T_DEFECT, REF("hazard_id", "hazard", "hazard", true), TIME("found_at"), TXT_REQ("text"),
     TIME("due_at"), ENUM("state", ENUM_DEFECT_STATE), TIME("rectified_at"), TXT("note"));
TABLE(T_DEFECT, "defect", false, NULL);

COLS(T_SHIFT, TIME("started_at"), TIME("ended_at"), TXT_REQ("officers"), TXT("leader"),
     TXT("notes"), TXT("handed_to"), TIME("handed_at"), TXT("acked_by"), TIME("acked_at"),
     TXT("equipment"), TXT("summary"));
TABLE(T_SHIFT, "shift", false, NULL);

/* The duty roster as its monthly sheet is written: not a synced table
 * (the roster is this office's own, see v_roster) but the columns its
 * import reads: a date a row, the officer (or one for the day shift and
 * one for the night), the leader on duty (带班领导), or a row per shift
 * with its 班次. */
COLS(T_ROSTER, {"duty_date", CT_DATE, "date", NULL, NULL, 0, 0, true},
     {"duty_shift", CT_ENUM, "shift", ENUM_ROSTER_SHIFT, NULL, 0, 0, false},
     {"duty_officer", CT_TEXT, "officer", NULL, NULL, 0, 0, false},
     {"duty_leader", CT_TEXT, "leader", NULL, NULL, 0, 0, false}, TXT("day_officer"),
     TXT("night_officer"), TXT("day_leader"), TXT("night_leader"),
     {"duty_phone", CT_TEXT, "phone", NULL, NULL, 0, 0, false}, TXT("notes"));
TABLE(T_ROSTER, "roster", false, NULL);

COLS(T_INCIDENT, TXT("number"), TXT_REQ("title"),
     {"type", CT_TYPE, NULL, NULL, NULL, 0, 0, true}, ENUM("level", ENUM_LEVEL),
     ENUM("status", ENUM_INCIDENT_STATUS), TOWNSHIP, VILLAGE, TXT("place"), LON, LAT,
     TIME("received_at"), TIME("occurred_at"), ENUM("channel", ENUM_CHANNEL), TXT("reporter"),
     TXT("reporter_phone"), TXT("reporter_unit"), COUNT("deaths"), COUNT("injured"),
     COUNT("missing"), COUNT("trapped"), COUNT("evacuated"), COUNT("affected"),
     REAL("loss_10k", 0, 1e12), REF("hazard_id", "hazard", "hazard", false), TXT("summary"),
     TIME("closed_at"), TXT("shift_id"), TXT("reporter_post"), TXT("cause"), TXT("course"),
     TXT("measures"), TXT("trend"), TXT("told"), TXT("duplicate_of"));
TABLE(T_INCIDENT, "incident", false, "number");

COLS(T_TIMELINE, TXT_REQ("incident_id"), ENUM_REQ("kind", ENUM_TIMELINE_KIND),
     INT("seq", 0, 100000), TXT("text"), TXT("corrects_id"), COUNT("deaths"), COUNT("injured"),
     COUNT("missing"), COUNT("trapped"), TXT("shift_id"), ENUM("via", ENUM_VIA),
     COUNT("evacuated"), TXT("recipient"), COUNT("affected"), REAL("loss_10k", 0, 1e12),
     TXT("contact_id"));
TABLE(T_TIMELINE, "timeline", true, NULL);

COLS(T_DEPOT, TXT_REQ("code"), TXT_REQ("name"), ENUM_REQ("level", ENUM_DEPOT_LEVEL), TOWNSHIP,
     TXT("address"), TXT("keeper"), TXT("phone"), TXT("notes"));
TABLE(T_DEPOT, "depot", false, "code");

COLS(T_ITEM, TXT_REQ("code"), TXT_REQ("name"), ENUM_REQ("category", ENUM_ITEM_CATEGORY),
     TXT("national_code"), TXT_REQ("unit"), COUNT("min_stock"), INT("shelf_life_days", 1, 36500));
TABLE(T_ITEM, "item", false, "code");

COLS(T_STOCK_MOVEMENT, REF("depot_id", "depot", "depot", true), REF("item_id", "item", "item", true),
     INT("qty", -1000000000, 1000000000), ENUM_REQ("kind", ENUM_MOVEMENT_KIND), TXT("batch"),
     {"expiry", CT_DATE, NULL, NULL, NULL, 0, 0, false}, TXT("incident_id"),
     TXT("transfer_id"), TXT("recipient"), TXT("reason"));
TABLE(T_STOCK_MOVEMENT, "stock_movement", true, NULL);

COLS(T_TEAM, TXT_REQ("code"), TXT_REQ("name"), ENUM_REQ("type", ENUM_TEAM_TYPE),
     COUNT("size"), TXT("leader"), TXT("phone"), TOWNSHIP, TXT("base"), TXT("equipment"),
     BOOL("available"), TXT("leader_contact_id"));
TABLE(T_TEAM, "team", false, "code");

COLS(T_EXPERT, TXT_REQ("code"), TXT_REQ("name"), TXT_REQ("field"), TXT("org"), TXT("phone"),
     TOWNSHIP);
TABLE(T_EXPERT, "expert", false, "code");

COLS(T_PLAN, TXT_REQ("plan_key"), TXT_REQ("version"), TXT_REQ("title"), TXT_REQ("source"));
TABLE(T_PLAN, "plan", false, NULL);

COLS(T_PLAN_ACTIVATION, TXT_REQ("plan_id"), TXT("incident_id"), ENUM_REQ("level", ENUM_LEVEL),
     TIME("started_at"), TIME("closed_at"), BOOL("drill"), TXT("summary"));
TABLE(T_PLAN_ACTIVATION, "plan_activation", false, NULL);

COLS(T_CHECKLIST_ITEM, TXT_REQ("activation_id"), TXT_REQ("item_key"), TXT("parent_key"),
     TXT_REQ("level"), INT("ord", 0, 1000000), TXT_REQ("text"), TXT("unit"),
     INT("within_min", 0, 1000000), TXT("after_key"), TXT("state"), TXT("reason"),
     TIME("done_at"), TXT("done_by"), TIME("started_at"));
TABLE(T_CHECKLIST_ITEM, "checklist_item", false, NULL);

COLS(T_DUTY_ENTRY, ENUM_REQ("kind", ENUM_DUTY_KIND), TIME("at"), TOWNSHIP, TXT("source"),
     TXT_REQ("text"), ENUM("colour", ENUM_COLOUR), TXT("area"), TIME("valid_until"),
     TXT("shift_id"), TXT("area_codes"), TIME("valid_from"), TXT("contact_id"));
TABLE(T_DUTY_ENTRY, "duty_entry", true, NULL);

COLS(T_TASK, TXT_REQ("title"), TIME("due_at"), TXT("owner"), TIME("done_at"), TXT("entry_id"),
     TXT("incident_id"), TXT("shift_id"));
TABLE(T_TASK, "task", false, NULL);

COLS(T_CHECKLIST_TICK, TXT_REQ("item_id"), TXT_REQ("state"), TXT("reason"));
TABLE(T_CHECKLIST_TICK, "checklist_tick", true, NULL);

static const struct table *const all_tables[] = {
	&T_CONTACT, &T_HAZARD, &T_HOUSEHOLD, &T_INSPECTION, &T_SHIFT, &T_INCIDENT,
	&T_TIMELINE, &T_DEPOT, &T_ITEM, &T_STOCK_MOVEMENT, &T_TEAM, &T_EXPERT,
	&T_PLAN, &T_PLAN_ACTIVATION, &T_CHECKLIST_ITEM, &T_CHECKLIST_TICK, &T_DUTY_ENTRY, &T_TASK,
	&T_DEFECT};

const struct table *const *table_all(size_t *n)
{
	*n = ARRAY_LEN(all_tables);
	return all_tables;
}

const struct table *table_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_LEN(all_tables); i++)
		if (str_eq(all_tables[i]->name, name))
			return all_tables[i];
	return NULL;
}

const struct column *table_column(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (str_eq(t->cols[i].name, name) || str_eq(t->cols[i].input, name))
			return &t->cols[i];
	return NULL;
}

const struct enum_value *enum_find(const struct enum_value *vals, const char *text)
{
	if (!text)
		return NULL;
	for (const struct enum_value *v = vals; v->id; v++)
		if (strcasecmp(v->id, text) == 0 || strcmp(v->zh, text) == 0 ||
		    strcasecmp(v->en, text) == 0)
			return v;
	return NULL;
}

const char *enum_ids(const struct enum_value *vals, char *buf, size_t n)
{
	size_t len = 0;
	buf[0] = '\0';
	for (const struct enum_value *v = vals; v->id && len < n; v++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", v == vals ? "" : "|", v->id);
	return buf;
}

const char *enum_label(const struct enum_value *vals, const char *id, bool zh)
{
	for (const struct enum_value *v = vals; id && v->id; v++)
		if (strcmp(v->id, id) == 0)
			return zh ? v->zh : v->en;
	return id ? id : "";
}
