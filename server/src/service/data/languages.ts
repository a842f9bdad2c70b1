// ISO 639-1 language codes (all 184, including `bh`, which ISO has since deprecated) with their English names and
// their ISO 639-2 (terminological and, where different, bibliographic) three-letter codes, which are also the ISO
// 639-3 codes of these languages (macrolanguage codes where the language is a macrolanguage). Written from the
// standard's published tables; used for `languages` diagnostics and, later, completion.

export interface LanguageInfo {
  /** ISO 639-1 code, lower case. */
  code: string;
  /** English name (the first one ISO lists, shortened where ISO lists variants). */
  name: string;
  /** ISO 639-2/T (= 639-3) code. */
  t: string;
  /** ISO 639-2/B code, when it differs from the /T code. */
  b?: string;
}

// code|English name|639-2/T|639-2/B
const TABLE = `
aa|Afar|aar
ab|Abkhazian|abk
ae|Avestan|ave
af|Afrikaans|afr
ak|Akan|aka
am|Amharic|amh
an|Aragonese|arg
ar|Arabic|ara
as|Assamese|asm
av|Avaric|ava
ay|Aymara|aym
az|Azerbaijani|aze
ba|Bashkir|bak
be|Belarusian|bel
bg|Bulgarian|bul
bh|Bihari languages|bih
bi|Bislama|bis
bm|Bambara|bam
bn|Bengali|ben
bo|Tibetan|bod|tib
br|Breton|bre
bs|Bosnian|bos
ca|Catalan|cat
ce|Chechen|che
ch|Chamorro|cha
co|Corsican|cos
cr|Cree|cre
cs|Czech|ces|cze
cu|Church Slavonic|chu
cv|Chuvash|chv
cy|Welsh|cym|wel
da|Danish|dan
de|German|deu|ger
dv|Divehi|div
dz|Dzongkha|dzo
ee|Ewe|ewe
el|Greek|ell|gre
en|English|eng
eo|Esperanto|epo
es|Spanish|spa
et|Estonian|est
eu|Basque|eus|baq
fa|Persian|fas|per
ff|Fulah|ful
fi|Finnish|fin
fj|Fijian|fij
fo|Faroese|fao
fr|French|fra|fre
fy|Western Frisian|fry
ga|Irish|gle
gd|Scottish Gaelic|gla
gl|Galician|glg
gn|Guarani|grn
gu|Gujarati|guj
gv|Manx|glv
ha|Hausa|hau
he|Hebrew|heb
hi|Hindi|hin
ho|Hiri Motu|hmo
hr|Croatian|hrv
ht|Haitian Creole|hat
hu|Hungarian|hun
hy|Armenian|hye|arm
hz|Herero|her
ia|Interlingua|ina
id|Indonesian|ind
ie|Interlingue|ile
ig|Igbo|ibo
ii|Sichuan Yi|iii
ik|Inupiaq|ipk
io|Ido|ido
is|Icelandic|isl|ice
it|Italian|ita
iu|Inuktitut|iku
ja|Japanese|jpn
jv|Javanese|jav
ka|Georgian|kat|geo
kg|Kongo|kon
ki|Kikuyu|kik
kj|Kuanyama|kua
kk|Kazakh|kaz
kl|Kalaallisut|kal
km|Khmer|khm
kn|Kannada|kan
ko|Korean|kor
kr|Kanuri|kau
ks|Kashmiri|kas
ku|Kurdish|kur
kv|Komi|kom
kw|Cornish|cor
ky|Kyrgyz|kir
la|Latin|lat
lb|Luxembourgish|ltz
lg|Ganda|lug
li|Limburgish|lim
ln|Lingala|lin
lo|Lao|lao
lt|Lithuanian|lit
lu|Luba-Katanga|lub
lv|Latvian|lav
mg|Malagasy|mlg
mh|Marshallese|mah
mi|Maori|mri|mao
mk|Macedonian|mkd|mac
ml|Malayalam|mal
mn|Mongolian|mon
mr|Marathi|mar
ms|Malay|msa|may
mt|Maltese|mlt
my|Burmese|mya|bur
na|Nauru|nau
nb|Norwegian Bokmål|nob
nd|North Ndebele|nde
ne|Nepali|nep
ng|Ndonga|ndo
nl|Dutch|nld|dut
nn|Norwegian Nynorsk|nno
no|Norwegian|nor
nr|South Ndebele|nbl
nv|Navajo|nav
ny|Chichewa|nya
oc|Occitan|oci
oj|Ojibwe|oji
om|Oromo|orm
or|Odia|ori
os|Ossetian|oss
pa|Punjabi|pan
pi|Pali|pli
pl|Polish|pol
ps|Pashto|pus
pt|Portuguese|por
qu|Quechua|que
rm|Romansh|roh
rn|Kirundi|run
ro|Romanian|ron|rum
ru|Russian|rus
rw|Kinyarwanda|kin
sa|Sanskrit|san
sc|Sardinian|srd
sd|Sindhi|snd
se|Northern Sami|sme
sg|Sango|sag
si|Sinhala|sin
sk|Slovak|slk|slo
sl|Slovenian|slv
sm|Samoan|smo
sn|Shona|sna
so|Somali|som
sq|Albanian|sqi|alb
sr|Serbian|srp
ss|Swati|ssw
st|Southern Sotho|sot
su|Sundanese|sun
sv|Swedish|swe
sw|Swahili|swa
ta|Tamil|tam
te|Telugu|tel
tg|Tajik|tgk
th|Thai|tha
ti|Tigrinya|tir
tk|Turkmen|tuk
tl|Tagalog|tgl
tn|Tswana|tsn
to|Tongan|ton
tr|Turkish|tur
ts|Tsonga|tso
tt|Tatar|tat
tw|Twi|twi
ty|Tahitian|tah
ug|Uyghur|uig
uk|Ukrainian|ukr
ur|Urdu|urd
uz|Uzbek|uzb
ve|Venda|ven
vi|Vietnamese|vie
vo|Volapük|vol
wa|Walloon|wln
wo|Wolof|wol
xh|Xhosa|xho
yi|Yiddish|yid
yo|Yoruba|yor
za|Zhuang|zha
zh|Chinese|zho|chi
zu|Zulu|zul
`;

export const LANGUAGES: readonly LanguageInfo[] = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [code, name, t, b] = line.split('|');
    return b ? { code, name, t, b } : { code, name, t };
  });

/** ISO 639-1 code -> info. */
export const ISO639_1: ReadonlyMap<string, LanguageInfo> = new Map(LANGUAGES.map((l) => [l.code, l]));

/** ISO 639-2/T, 639-2/B and 639-3 codes of the ISO 639-1 languages -> the 639-1 code. */
export const THREE_TO_TWO: ReadonlyMap<string, string> = new Map(
  LANGUAGES.flatMap((l) => (l.b ? [[l.t, l.code], [l.b, l.code]] : [[l.t, l.code]]) as [string, string][]),
);

/** ISO 639-3 individual languages inside a macrolanguage that has a 639-1 code (the registry uses the latter). */
export const INDIVIDUAL_TO_MACRO: ReadonlyMap<string, { code: string; name: string }> = new Map([
  ['cmn', { code: 'zh', name: 'Mandarin Chinese' }],
  ['arb', { code: 'ar', name: 'Standard Arabic' }],
  ['pes', { code: 'fa', name: 'Iranian Persian' }],
  ['zsm', { code: 'ms', name: 'Standard Malay' }],
  ['swh', { code: 'sw', name: 'Swahili' }],
  ['ekk', { code: 'et', name: 'Standard Estonian' }],
  ['lvs', { code: 'lv', name: 'Standard Latvian' }],
  ['npi', { code: 'ne', name: 'Nepali' }],
  ['khk', { code: 'mn', name: 'Halh Mongolian' }],
  ['uzn', { code: 'uz', name: 'Northern Uzbek' }],
  ['ydd', { code: 'yi', name: 'Eastern Yiddish' }],
  ['azj', { code: 'az', name: 'North Azerbaijani' }],
  ['plt', { code: 'mg', name: 'Plateau Malagasy' }],
  ['ory', { code: 'or', name: 'Odia' }],
  ['als', { code: 'sq', name: 'Tosk Albanian' }],
]);

/** Withdrawn ISO 639-1 codes -> their replacement ('' when there is no single one). */
export const DEPRECATED_639_1: ReadonlyMap<string, { replacement: string; name: string }> = new Map([
  ['iw', { replacement: 'he', name: 'Hebrew' }],
  ['in', { replacement: 'id', name: 'Indonesian' }],
  ['ji', { replacement: 'yi', name: 'Yiddish' }],
  ['jw', { replacement: 'jv', name: 'Javanese' }],
  ['mo', { replacement: 'ro', name: 'Moldavian (Romanian)' }],
  ['sh', { replacement: '', name: 'Serbo-Croatian' }],
]);

/** Three-letter codes of languages without a 639-1 code, with names, for messages and completion. */
export const KNOWN_THREE_LETTER: ReadonlyMap<string, string> = new Map([
  ['ceb', 'Cebuano'], ['fil', 'Filipino'], ['haw', 'Hawaiian'], ['hmn', 'Hmong'], ['kri', 'Krio'], ['mni', 'Manipuri'],
  ['yue', 'Cantonese'], ['ast', 'Asturian'], ['nds', 'Low German'], ['gsw', 'Swiss German'], ['sco', 'Scots'],
  ['ilo', 'Ilocano'], ['war', 'Waray'], ['pam', 'Kapampangan'], ['bew', 'Betawi'], ['min', 'Minangkabau'],
  ['ace', 'Acehnese'], ['ban', 'Balinese'], ['bug', 'Buginese'], ['mad', 'Madurese'], ['kab', 'Kabyle'], ['tzm', 'Central Atlas Tamazight'],
  ['doi', 'Dogri'], ['mai', 'Maithili'], ['bho', 'Bhojpuri'], ['sat', 'Santali'], ['kok', 'Konkani'], ['gom', 'Goan Konkani'],
  ['lus', 'Mizo'], ['nso', 'Northern Sotho'], ['tum', 'Tumbuka'], ['luo', 'Luo'], ['kam', 'Kamba'], ['fur', 'Friulian'],
  ['lij', 'Ligurian'], ['lmo', 'Lombard'], ['scn', 'Sicilian'], ['vec', 'Venetian'], ['szl', 'Silesian'], ['hsb', 'Upper Sorbian'],
  ['dsb', 'Lower Sorbian'], ['crh', 'Crimean Tatar'], ['ckb', 'Central Kurdish'], ['kmr', 'Northern Kurdish'], ['prs', 'Dari'],
  ['hbs', 'Serbo-Croatian'], ['hne', 'Chhattisgarhi'], ['mag', 'Magahi'], ['awa', 'Awadhi'], ['syl', 'Sylheti'],
]);

/** Language names (English, common alternatives and some endonyms), lower case -> code. */
export const NAME_TO_CODE: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const l of LANGUAGES) m.set(l.name.toLowerCase(), l.code);
  for (const [code, name] of KNOWN_THREE_LETTER) if (!m.has(name.toLowerCase())) m.set(name.toLowerCase(), code);
  const extra: [string, string][] = [
    ['castilian', 'es'], ['farsi', 'fa'], ['flemish', 'nl'], ['gaelic', 'gd'], ['haitian', 'ht'], ['kirghiz', 'ky'],
    ['letzeburgesch', 'lb'], ['moldavian', 'ro'], ['moldovan', 'ro'], ['panjabi', 'pa'], ['pushto', 'ps'],
    ['sinhalese', 'si'], ['uighur', 'ug'], ['valencian', 'ca'], ['mandarin', 'zh'], ['bangla', 'bn'], ['oriya', 'or'],
    ['myanmar', 'my'], ['nyanja', 'ny'], ['chewa', 'ny'], ['sesotho', 'st'], ['setswana', 'tn'], ['kiswahili', 'sw'],
    ['ojibwa', 'oj'], ['slovene', 'sl'], ['greek, modern', 'el'], ['modern greek', 'el'], ['frisian', 'fy'],
    ['scottish gaelic', 'gd'], ['bokmål', 'nb'], ['bokmal', 'nb'], ['nynorsk', 'nn'], ['norwegian bokmal', 'nb'],
    ['azeri', 'az'], ['kyrgyz', 'ky'], ['maori', 'mi'], ['māori', 'mi'], ['khmer', 'km'], ['cambodian', 'km'],
    ['tajiki', 'tg'], ['uyghur', 'ug'], ['zhuang', 'za'], ['rundi', 'rn'], ['ganda', 'lg'], ['luganda', 'lg'],
    ['deutsch', 'de'], ['français', 'fr'], ['francais', 'fr'], ['español', 'es'], ['espanol', 'es'], ['italiano', 'it'],
    ['português', 'pt'], ['portugues', 'pt'], ['nederlands', 'nl'], ['polski', 'pl'], ['svenska', 'sv'], ['norsk', 'no'],
    ['dansk', 'da'], ['suomi', 'fi'], ['türkçe', 'tr'], ['русский', 'ru'], ['中文', 'zh'], ['日本語', 'ja'], ['한국어', 'ko'],
    ['filipino', 'fil'], ['tagalog', 'tl'], ['cantonese', 'yue'], ['meitei', 'mni'], ['manipuri', 'mni'], ['hebrew', 'he'],
  ];
  for (const [n, c] of extra) m.set(n, c);
  return m;
})();

/** A human name for a code (639-1 or a known three-letter one). */
export function languageName(code: string): string | undefined {
  return ISO639_1.get(code)?.name ?? KNOWN_THREE_LETTER.get(code);
}
