"""The plain text of rich-text cells is html-text's ``extract_text``, cell for cell, however hostile."""

import random

import html_text
import pytest

from chalicelib.exports.formats.plain_text import PlainText

TRICKY = {
    "paragraphs": "<p>One</p><p>Two</p>",
    "nested blocks": "<div><p>a<div>b</div>c</p><blockquote><p>q</p></blockquote></div>d",
    "text before a block": "abc<div>x</div>tail",
    "unclosed paragraphs": "<p>one<p>two<div><p>a</div>b",
    "headings": "<h1>Title</h1>text<h2>Sub</h2><h6>six</h6>",
    "line breaks": "x<br>y<br><br>z<br/>",
    "lists": "<ul><li>a<li>b <ol><li>c</li></ol></ul>tail<dl><dt>t<dd>d</dl>",
    "tables": "<table><tr><td>a<td>b<tr><th>c</th></table>after",
    "pre": "<pre>  a\n    b  </pre>",
    "entities": "&lt;b&gt; &amp;amp; &nbsp;&#x1F389;&#169; &bogus; &amp",
    "bare ampersand": "Fish & chips",
    "punctuation": "a <b>b</b> , c<i>.</i> (<em>x</em>) <q>y</q>!",
    "open bracket": '<a href="x">(</a>b a(<i>\n</i>b',
    "inline spacing": "<span>a</span><span>b</span> <b> c </b>d",
    "scripts": "a<script>alert('<p>x</p>')</script>b<script>unclosed",
    "styles": "<style>p { color: red }</style>Zoë 東京 🎉<style>x",
    "comments": "a<!--c-->b<!-- <p>x</p> -->c<!-- unclosed",
    "only a comment": "<!--x-->",
    "processing instruction": "<?php echo 1; ?>y",
    "cdata": "<![CDATA[x]]>y",
    "head": "<html><head><title>t</title><meta charset=latin1><link rel=x></head><body>b</body></html>",
    "title in a fragment": "<title>T</title>x",
    "after the document": "<html><body>a</body></html>b<p>c</p>",
    "embedded": "a<object>b<param name=x>p</object>c<embed>e</embed>f<iframe>i</iframe>g",
    "applet": "a<applet>x</applet>b",
    "frames": "<frameset><frame></frameset>x<noframes>nf</noframes>y",
    "template and noscript": "<template>tpl</template><noscript>ns</noscript>",
    "forms": "<form><input value=v><textarea>t</textarea><select><option>o</select><button>b</button></form>",
    "svg and math": "<svg><text>s</text></svg><math><mi>m</mi></math>",
    "malformed": "<p><b>bold<i>both</p>neither</b></i><<>>< p>x</ p><div",
    "stray end tags": "</p></div>text</body></html>more",
    "attributes with markup": '<a title="<p>no</p>" onclick="x()">link</a>',
    "non-Latin": "<p>Привет, мир</p><p>مرحبا</p><p>你好<br>世界</p><p>नमस्ते</p>",
    "unicode white space": "<p>a\u00a0\u2003b\u3000c</p>\u2028d\x0b\x0ce",
    "formula-like": '<p>=HYPERLINK("http://evil","x")</p><p>+1</p>@SUM(A1)<br>-2+3<b>|cmd</b>%0A',
    "carriage returns": "<p>Carriage</p>\r\n<p>Return</p>\r",
    "control characters": "a\x01b<b>\x1fc</b>\x7f",
    "white space around": "  \n <p> spaced </p> \t ",
    "a lone angle bracket": "a < b and c > d",
}

FRAGMENTS = (
    "<p>", "</p>", "<div>", "</div>", "<br>", "<li>", "<ul>", "</ul>", "<table><tr><td>", "<td>", "</table>", "<b>", "</b>",
    "<script>s", "</script>", "<style>s", "</style>", "<!--c-->", "<!--", "-->", "<?x?>", "<object>", "</object>",
    "<iframe>", "</iframe>", "<noframes>", "<param>", "<meta>", "<title>", "</title>", "<html>", "</html>", "</body>",
    "<h2>", "</h2>", "<pre> a  b</pre>", "<dl><dt>", "<dd>", "<hr>", "<a href='(x'>", "</a>", "<", ">",
    "&amp;", "&lt;", "&nbsp;", "&x", " ", "\n", "\t", "\u00a0", "(", ")", ",", ".", '"', "text", "東京", "=1+1",
)  # fmt: skip


def _generated(count: int) -> list[str]:
    chosen = random.Random(14)  # fixed: the same corpus on every run
    return ["".join(chosen.choices(FRAGMENTS, k=chosen.randint(1, 12))) for _ in range(count)]


@pytest.mark.parametrize("html", TRICKY.values(), ids=TRICKY.keys())
def test_plain_text_is_html_texts_extract_text(html):
    assert PlainText()(html) == html_text.extract_text(html)


def test_plain_text_of_generated_markup_is_html_texts_extract_text():
    plain = PlainText()
    corpus = [html for html in _generated(3000) if "<" in html or "&" in html]

    assert [plain(html) for html in corpus] == [html_text.extract_text(html) for html in corpus]


def test_one_plain_text_serves_many_cells_without_leaking_between_them():
    plain = PlainText()
    cells = ["<script>unclosed", "<p>a", "<!-- unclosed", "<b>b</b>", "<style>x", "c &amp; d"]

    assert [plain(cell) for cell in cells] == ["", "a", "", "b", "", "c & d"]


@pytest.mark.parametrize(
    "text", ["Plain words,  kept\n as they are. ", "", " ", "=1+1"], ids=["prose", "empty", "blank", "formula"]
)
def test_text_without_markup_is_kept_as_it_is(text):
    assert PlainText()(text) == text
