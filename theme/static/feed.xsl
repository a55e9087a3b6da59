<?xml version="1.0" encoding="utf-8"?>
<!-- What a browser shows for our Atom and RSS feeds (feed readers ignore the stylesheet):
     a Korean page that says what a feed is and how to subscribe, then the latest titles.
     Only text and links are copied from the feed, never its HTML; no script, no inline
     style (the page's stylesheet is css/feed.css beside this file, found through the
     xml-stylesheet instruction that points here, so it works at any depth). -->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:atom="http://www.w3.org/2005/Atom"
  exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat" indent="yes"/>

  <xsl:variable name="pi" select="/processing-instruction('xml-stylesheet')"/>
  <xsl:variable name="static" select="substring-before(substring-after($pi, 'href=&quot;'), 'feed.xsl')"/>
  <xsl:variable name="title" select="/atom:feed/atom:title | /rss/channel/title"/>
  <xsl:variable name="self" select="/atom:feed/atom:link[@rel='self']/@href | /rss/channel/atom:link[@rel='self']/@href"/>
  <xsl:variable name="home" select="/atom:feed/atom:link[@rel='alternate']/@href | /rss/channel/link"/>

  <xsl:template match="/">
    <html lang="ko">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> 피드 구독 안내</title>
        <link rel="icon" href="{$static}favicon.svg" type="image/svg+xml"/>
        <link rel="stylesheet" href="{$static}css/feed.css"/>
      </head>
      <body>
        <main class="feed-page">
          <p class="feed-page__kind">RSS 피드</p>
          <h1><xsl:value-of select="$title"/></h1>
          <section class="feed-page__how" aria-labelledby="how">
            <h2 id="how">피드로 새 기사 받아보기</h2>
            <p>이 페이지는 기사를 읽는 곳이 아니라 <strong>피드 리더</strong>에 넣는 주소입니다.
              피드 리더 앱이나 서비스(예: Feedly, Inoreader, NetNewsWire)에서 ‘구독 추가’를 누르고
              아래 주소를 붙여 넣으면 새 기사가 올라올 때마다 받아볼 수 있습니다.</p>
            <p class="feed-page__address"><span>피드 주소</span> <code><xsl:value-of select="$self"/></code></p>
            <p>피드 리더가 없으면 <a href="{$home}">홈페이지</a>에서 기사를 읽으실 수 있습니다.</p>
          </section>
          <section aria-labelledby="latest">
            <h2 id="latest">최근 기사</h2>
            <ul class="feed-page__items">
              <xsl:apply-templates select="/atom:feed/atom:entry | /rss/channel/item"/>
            </ul>
          </section>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a>
      <span class="feed-page__date"><xsl:value-of select="translate(substring(atom:published, 1, 16), '-T', '. ')"/></span>
    </li>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <a href="{link}"><xsl:value-of select="title"/></a>
      <!-- "Tue, 24 Nov 2026 17:20:00 +0900" shown as 2026.11.24 17:20, like the Atom page. -->
      <xsl:variable name="mon" select="substring(pubDate, 9, 3)"/>
      <xsl:variable name="num" select="string-length(substring-before('JanFebMarAprMayJunJulAugSepOctNovDec', $mon)) div 3 + 1"/>
      <span class="feed-page__date"><xsl:value-of select="concat(substring(pubDate, 13, 4), '.', format-number($num, '00'), '.', substring(pubDate, 6, 2), ' ', substring(pubDate, 18, 5))"/></span>
    </li>
  </xsl:template>
</xsl:stylesheet>
