/* hazard template --format xlsx: a register sheet ready to fill in, and a
 * second sheet that says what each column holds, its unit, an example and
 * whether it must be filled. */
#include <stdio.h>
#include <string.h>

#include "dutydesk/i18n.h"
#include "cmd_impl.h"

/* What a clerk needs to know of each register column. */
static const struct {
	const char *key, *what, *unit, *example;
} notes[] = {
	{"code", "统一编号，台账中唯一；再次导入同一编号即更新该条", "", "141032-HP-001"},
	{"name", "名称", "", NULL}, /* by kind: name_example */
	{"subtype", "类型", "", ""},
	{"township", "所在乡（镇），名称或代码", "", "桑壁镇"},
	{"village", "所在行政村（社区），名称或代码", "", "乔家湾村"},
	{"grp", "村民小组", "", "三组"},
	{"address", "地址或位置", "", "乔家湾村后山"},
	{"lon", "经度，十进制度", "度", "110.6292"},
	{"lat", "纬度，十进制度", "度", "36.7593"},
	{"scale", "规模等级", "", "小型"},
	{"volume_m3", "体积（方量）", "立方米", "12500"},
	{"stability", "稳定性", "", "欠稳定"},
	{"triggers", "诱发因素", "", "降雨、切坡"},
	{"road", "是否道路隐患点", "", "否"},
	{"county_town", "是否在县城区", "", "否"},
	{"high_risk", "是否在高风险区", "", "是"},
	{"households", "威胁户数", "户", "12"},
	{"people", "威胁人数", "人", "38"},
	{"property_10k", "威胁财产", "万元", "150"},
	{"resp_township", "乡镇责任人", "", "王建国"},
	{"resp_township_phone", "乡镇责任人电话", "", "13800000001"},
	{"resp_village", "村责任人", "", "乔志强"},
	{"resp_village_phone", "村责任人电话", "", "13800000002"},
	{"monitor", "监测员（群测群防员）", "", "乔翠萍"},
	{"monitor_phone", "监测员电话", "", "13800000003"},
	{"monitor_method", "监测方式", "", "简易监测"},
	{"monitor_freq", "监测频次", "", "汛期每日一次"},
	{"warning_signal", "预警信号", "", "铜锣"},
	{"evac_route", "撤离路线", "", "沿村道向东撤至村委会"},
	{"shelter", "避险场所", "", "村委会广场"},
	{"hazard_card", "是否发放防灾明白卡", "", "是"},
	{"evac_cards", "发放避险明白卡数", "张", "12"},
	{"status", "状态（空为在册）", "", "在册"},
	{"notes", "备注", "", ""},
	{"resp_person", "消防安全责任人", "", "张伟"},
	{"resp_phone", "责任人电话", "", "13800000004"},
	{"mgr_person", "消防安全管理人", "", "李娜"},
	{"mgr_phone", "管理人电话", "", "13800000005"},
	{"floors", "层数", "层", "5"},
	{"area_m2", "建筑面积", "平方米", "1924"},
	{"occupancy", "人员数量", "人", "800"},
	{"enterprise", "企业名称", "", "永和县燃气有限公司"},
	{"substance", "危险物质", "", "天然气"},
	{"grade", "重大危险源等级（1 最高）", "级", "3"},
	{"principal", "主要负责人", "", "赵刚"},
	{"principal_phone", "主要负责人电话", "", "13800000006"},
	{"technical", "技术负责人", "", "钱明"},
	{"technical_phone", "技术负责人电话", "", "13800000007"},
	{"operational", "操作负责人", "", "孙丽"},
	{"operational_phone", "操作负责人电话", "", "13800000008"},
};

/* A name as each kind's register has them. */
static const char *name_example(const char *kind)
{
	return str_eq(kind, "fire_unit")      ? "永和县第一中学"
	       : str_eq(kind, "major_source") ? "永和1号天然气井"
	       : str_eq(kind, "flood_point")  ? "城关镇下穿通道"
					      : "乔家湾滑坡";
}

/* The values a column takes, in Chinese ("滑坡、崩塌…"), into buf. */
static const char *accepted(const char *kind, const struct column *col, char *buf, size_t n)
{
	const struct enum_value *v = col ? col->values : NULL;
	if (col && str_eq(col->name, "subtype"))
		v = str_eq(kind, "fire_unit")	 ? ENUM_FIRE_SUBTYPE
		    : str_eq(kind, "major_source") ? ENUM_MAJOR_SUBTYPE
		    : str_eq(kind, "flood_point")  ? ENUM_FLOOD_SUBTYPE
						   : ENUM_GEO_SUBTYPE;
	buf[0] = '\0';
	if (v) {
		for (size_t k = 0; v[k].id; k++)
			snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", k ? "、" : "", v[k].zh);
	} else if (col && col->type == CT_BOOL) {
		snprintf(buf, n, "是、否");
	} else if (col && col->type == CT_INT) {
		snprintf(buf, n, "%.0f 至 %.0f 的整数", col->min, col->max);
	} else if (col && col->type == CT_REAL) {
		snprintf(buf, n, "%g 至 %g 的数", col->min, col->max);
	}
	return buf;
}

bool hazard_template_xlsx(struct cmd_ctx *c, const char *kind, const char *const *cols,
			  bool english)
{
	static const char *const keys[] = {"列名", "字段", "说明", "单位", "示例", "必填",
					   "可填的值", NULL};
	json_t *none = json_array(), *rows = json_array();
	for (size_t j = 0; cols[j]; j++) {
		const struct column *col = table_column(&T_HAZARD, cols[j]);
		char values[512], first[64];
		const char *what = cols[j], *unit = "", *example = "";
		for (size_t k = 0; k < ARRAY_LEN(notes); k++)
			if (str_eq(notes[k].key, cols[j]))
				what = notes[k].what, unit = notes[k].unit,
				example = notes[k].example ? notes[k].example : name_example(kind);
		accepted(kind, col, values, sizeof values);
		if (!*example && strstr(values, "、")) /* the first value taken */
			snprintf(first, sizeof first, "%.*s", (int)(strstr(values, "、") - values),
				 values), example = first;
		json_array_append_new(
			rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "列名",
					english ? cols[j] : header_chinese(cols[j]), "字段", cols[j],
					"说明", what, "单位", unit, "示例", example, "必填",
					col && col->required ? "是" : "否", "可填的值", values));
	}
	struct out_sheet sheets[] = {
		{"台账", none, cols, english ? NULL : header_chinese, NULL},
		{"填表说明", rows, keys, NULL, NULL},
	};
	bool ok = out_xlsx(c, NULL, sheets, ARRAY_LEN(sheets));
	json_decref(none);
	json_decref(rows);
	return ok;
}
