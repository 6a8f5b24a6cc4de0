/*
 * form.h - a service's application form ("questions"): what an online applicant is asked, and
 * what an Open311 client sees as the service definition. One definition serves both, so the
 * types are Open311's attribute datatypes.
 *
 * A definition is a JSON array of questions, kept on the service (catalogue field "questions"):
 *   {"code": "purpose"          [a-z0-9_]{1,40}, unique in the form,
 *    "datatype": "string" | "number" | "datetime" | "text" | "singlevaluelist" | "multivaluelist",
 *    "required": bool           (default false),
 *    "variable": bool           (default true; false = informational text, never answered),
 *    "order": 1..1000           (default: position + 1; unique in the form),
 *    "label_zh" (required), "label_en", "hint_zh", "hint_en"   (one line, at most 500 bytes),
 *    "values": [{"key": [A-Za-z0-9_-]{1,40}, "name_zh", "name_en"}]   (list types only, 1..50),
 *    "min", "max": numbers, "whole": bool   (number only: the answer's bounds, whole numbers)}
 * At most FORM_QUESTIONS_MAX questions.
 *
 * Answers are a JSON object {code: value}; a value is a string, or an array of keys for a
 * multivaluelist. Normalised answers: string/text trimmed, number in plain decimal ("1234.5"),
 * datetime as ISO 8601 with Taiwan's offset ("2026-11-20T09:15:00+08:00", or "2026-11-20" for a
 * date alone), lists as given keys (multivaluelist deduplicated, in definition order).
 */
#ifndef BIANMIN_DOMAIN_FORM_H
#define BIANMIN_DOMAIN_FORM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define FORM_QUESTIONS_MAX 40
#define FORM_VALUES_MAX    50
#define FORM_STRING_MAX    200  /* characters of a string answer */
#define FORM_TEXT_MAX      4000 /* characters of a text answer (Open311's description limit) */
#define FORM_LABEL_MAX     500  /* bytes of a label or hint */

/* The datatypes, in Open311's spelling. */
extern const char *const form_datatypes[];
extern const size_t form_datatype_count;

/* Checks a definition. On error writes "questions[2].values[0].key: must match ..." to err
 * and returns ST_INVALID; ST_OK when it is well formed. An absent definition (NULL) is an
 * empty one. */
int form_check(const json_t *questions, char *err, size_t err_size);

/* The definition sorted by order, with defaults filled in (required, variable, order), as a
 * new reference; NULL when out of memory. The input must have passed form_check. */
json_t *form_normalise(const json_t *questions);

/* The question of the form with this code, or NULL (borrowed). */
const json_t *form_question(const json_t *questions, const char *code);

/* Why an answer is refused: a translation key ("form_err_required", "form_err_number",
 * "form_err_whole", "form_err_range", "form_err_datetime", "form_err_choice", "form_err_too_long",
 * "form_err_text") for people, and a short English reason for API clients. */
struct form_error {
  const char *key;
  const char *reason;
};

/* Checks and normalises one answer to question q. value is the submitted value: a string,
 * an array of strings (multivaluelist; a single string is taken as a one-item list), or NULL
 * (not given). An empty string or empty list counts as not given. *out receives the
 * normalised value as a new reference, or NULL when not given and not required (or when q is
 * not variable). Returns true when accepted; false with *why set. */
bool form_answer(const json_t *q, const json_t *value, json_t **out, struct form_error *why);

/* Checks every answer against the definition: unknown codes are refused, required questions
 * must be answered. *out receives the normalised answers object (only answered questions).
 * On refusal returns false, *bad_code names the question (borrowed from the definition, or
 * from answers for an unknown code) and *why says why (key "form_err_unknown" for an unknown
 * code). */
bool form_answers(const json_t *questions, const json_t *answers, json_t **out,
                  const char **bad_code, struct form_error *why);

/* The label of a question, or of a list value, in lang ("en" or zh-TW), falling back to the
 * Chinese one (borrowed). */
const char *form_label(const json_t *q, const char *field, const char *lang);
/* The display text of an answer in lang: list keys become their names (joined by "、" or
 * ", "), other values are returned as they are. A new string the caller frees. */
char *form_answer_text(const json_t *q, const json_t *value, const char *lang);

#endif
