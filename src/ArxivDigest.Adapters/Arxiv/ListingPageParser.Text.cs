using System.Text;
using AngleSharp.Dom;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// Element text without descriptors, with MathJax output turned back into TeX.
public static partial class ListingPageParser
{
    /// <summary>
    /// Text of an element without its <c>span.descriptor</c> ("Title:", "Comments:"), with MathJax output turned back
    /// into TeX, whitespace-normalised.
    /// </summary>
    private static string ReadText(IElement element)
    {
        var sb = new StringBuilder();
        AppendChildren(element, sb);
        return Text.Normalize(sb.ToString());
    }

    private static void AppendChildren(INode node, StringBuilder sb)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    sb.Append(t.Data);
                    break;

                case IElement el:
                    AppendElement(el, sb);
                    break;
            }
        }
    }

    private static void AppendElement(IElement el, StringBuilder sb)
    {
        switch (el.LocalName)
        {
            case "br":
                sb.Append(' ');
                return;

            case "script":
                var type = el.GetAttribute("type") ?? "";
                if (type.StartsWith("math/tex", StringComparison.OrdinalIgnoreCase))
                {
                    var delimiter = type.Contains("mode=display", StringComparison.OrdinalIgnoreCase) ? "$$" : "$";
                    sb.Append(delimiter).Append(el.TextContent).Append(delimiter);
                }

                return;

            case "style":
            case "noscript":
                return;
        }

        if (el.LocalName.StartsWith("mjx-", StringComparison.Ordinal))
        {
            return; // MathJax 3 output; its source is not kept in the DOM
        }

        var classes = el.ClassName;
        if (HasClass(classes, "descriptor", prefix: false) || HasClass(classes, "MathJax", prefix: true))
        {
            return;
        }

        AppendChildren(el, sb);
    }
}
