# Bad input is refused before any request, with a clear message: labels with control characters
# or over Hub's length (counted in characters as Hub counts them), no scope, the empty GUID, an
# expiry too near or too far, an invalid wildcard pattern, piped objects without a usable Label,
# an empty password, [pscredential]::Empty, and a -HubUri with a user name and password in it.
# Every refusal is checked twice: the error the user sees, and the emulator's request log showing
# that nothing reached Hub. The request log is global, so each test clears it right before acting.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    # Errors of piped items are non-terminating; they must stay so to be seen one by one.
    $ErrorActionPreference = 'Continue'
    $script:Account = New-TestAccount -Prefix 'badin'
    $script:Org = (New-TestOrganization -Prefix 'badin' -Owner $script:Account.Username).name
    $script:Session = Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -PassThru
    $script:Emoji = [char]::ConvertFromUtf32(0x1F600)

    function Invoke-Refused {
        # Runs the action with an empty request log; returns its errors (terminating or not), its
        # output, and the requests Hub saw meanwhile.
        param([Parameter(Mandatory)][scriptblock] $Action)
        Clear-HubRequestLog
        $errors = [Collections.Generic.List[object]]::new()
        $output = [Collections.Generic.List[object]]::new()
        try {
            & $Action 2>&1 | ForEach-Object {
                if ($_ -is [Management.Automation.ErrorRecord]) { $errors.Add($_) } else { $output.Add($_) }
            }
        }
        catch {
            $errors.Add($_)
        }
        [pscustomobject]@{ Errors = @($errors); Output = @($output); Requests = @(Get-HubRequestLog) }
    }

    function Get-ServerLabel {
        @(Get-ServerToken -Username $script:Account.Username | ForEach-Object token_label)
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Token input refused before any request' {
    It 'refuses <Case>' -ForEach @(
        @{ Case = 'a label with a line feed'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'line feed \(U\+000A\) at position 3'
            Action = { New-HubAccessToken -Label "ci`nbuild" -NoVault } }
        @{ Case = 'a label with a tab'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'tab \(U\+0009\)'
            Action = { New-HubAccessToken -Label "ci`tbuild" -NoVault } }
        @{ Case = 'a label with a NUL'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'NUL \(U\+0000\)'
            Action = { New-HubAccessToken -Label "ci$([char]0)" -NoVault } }
        @{ Case = 'a label with an escape sequence'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'escape \(U\+001B\)'
            Action = { New-HubAccessToken -Label "ci$([char]27)[31mred" -NoVault } }
        @{ Case = 'a label with DEL'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'U\+007F'
            Action = { New-HubAccessToken -Label "ci$([char]0x7F)" -NoVault } }
        @{ Case = 'a label with a C1 control (CSI)'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'U\+009B'
            Action = { New-HubAccessToken -Label "ci$([char]0x9B)31m" -NoVault } }
        @{ Case = 'a label with a line separator'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'line separator \(U\+2028\)'
            Action = { New-HubAccessToken -Label "ci$([char]0x2028)build" -NoVault } }
        @{ Case = 'a label with half an emoji'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'lone surrogate U\+D83D'
            Action = { New-HubAccessToken -Label "ci$([char]0xD83D)" -NoVault } }
        @{ Case = 'a label of 101 emoji'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'at most 100 characters; this one has 101'
            Action = { New-HubAccessToken -Label ($Emoji * 101) -NoVault } }
        @{ Case = 'a new label with a carriage return'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'carriage return \(U\+000D\)'
            Action = { Rename-HubAccessToken -Id ([guid]::NewGuid()) -NewLabel "ci`r`nbuild" } }
        @{ Case = 'a new label that is a hashtable'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'must be text; a hashtable'
            Action = { Rename-HubAccessToken -Id ([guid]::NewGuid()) -NewLabel @{ Label = 'x' } } }
        @{ Case = 'a label that is a list'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'must be text; a list of 2 items'
            Action = { New-HubAccessToken -Label 'a', 'b' -NoVault } }
        @{ Case = '-Scope @()'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'Give at least one scope'
            Action = { New-HubAccessToken -Label 'no-scope' -Scope @() -NoVault } }
        @{ Case = '-Scope $null'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'Give at least one scope'
            Action = { New-HubAccessToken -Label 'null-scope' -Scope $null -NoVault } }
        @{ Case = 'a -Scope filter of none'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'Give at least one scope'
            Action = { Get-HubAccessToken -Scope @() } }
        @{ Case = '-ExpiresIn of one minute'; ErrorId = 'AccessTokenExpiryInvalid'; Pattern = 'shorter than 5 minutes'
            Action = { New-HubAccessToken -Label 'short' -ExpiresIn (New-TimeSpan -Minutes 1) -NoVault } }
        @{ Case = '-ExpiresAt two minutes ahead'; ErrorId = 'AccessTokenExpiryInvalid'; Pattern = 'less than 5 minutes from now'
            Action = { New-HubAccessToken -Label 'near' -ExpiresAt (Get-Date).AddMinutes(2) -NoVault } }
        @{ Case = '-ExpiresIn ([timespan]::MaxValue)'; ErrorId = 'AccessTokenExpiryInvalid'; Pattern = 'too long.*9999-12-31.*never expires'
            Action = { New-HubAccessToken -Label 'forever' -ExpiresIn ([timespan]::MaxValue) -NoVault } }
        @{ Case = '-ExpiresAt ([datetime]::MaxValue)'; ErrorId = 'AccessTokenExpiryInvalid'; Pattern = 'too late.*9999-12-31'
            Action = { New-HubAccessToken -Label 'forever' -ExpiresAt ([datetime]::MaxValue) -NoVault } }
        @{ Case = 'Get-HubAccessToken -Id ([guid]::Empty)'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'empty GUID'
            Action = { Get-HubAccessToken -Id ([guid]::Empty) } }
        @{ Case = 'Remove-HubAccessToken -Id of the empty GUID as text'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'empty GUID'
            Action = { Remove-HubAccessToken -Id '00000000-0000-0000-0000-000000000000' -Confirm:$false } }
        @{ Case = 'Rename-HubAccessToken -Id ([guid]::Empty)'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'empty GUID'
            Action = { Rename-HubAccessToken -Id ([guid]::Empty) -NewLabel 'x' } }
        @{ Case = 'Enable-HubAccessToken -Id ([guid]::Empty)'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'empty GUID'
            Action = { Enable-HubAccessToken -Id ([guid]::Empty) } }
        @{ Case = 'a piped row whose Id is the empty GUID'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'empty GUID'
            Action = { [pscustomobject]@{ Id = [guid]::Empty } | Disable-HubAccessToken } }
        @{ Case = "the wildcard pattern '[unclosed'"; ErrorId = 'ParameterArgumentValidationError'; Pattern = "'\[unclosed' is not a valid wildcard pattern.*'``\[unclosed'"
            Action = { Get-HubAccessToken -Label '[unclosed' } }
        @{ Case = 'a piped hashtable'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'must be text; a hashtable.*\[pscustomobject\]'
            Action = { @{ Label = 'from-hashtable' } | New-HubAccessToken -NoVault } }
        @{ Case = 'a piped object without a Label property'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'a PSCustomObject was given, and it has no Label property'
            Action = { [pscustomobject]@{ Name = 'n' } | New-HubAccessToken -NoVault } }
        @{ Case = 'a piped date'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'a DateTime was given'
            Action = { Get-Date | New-HubAccessToken -NoVault } }
        @{ Case = 'a piped object whose Label is a hashtable'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'must be text; a hashtable'
            Action = { [pscustomobject]@{ Label = @{ a = 1 } } | New-HubAccessToken -NoVault } }
        # The organization token cmdlets share these checks.
        @{ Case = 'an organization token label with a line feed'; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'line feed \(U\+000A\)'
            Action = { New-HubOrgAccessToken $Org -Label "ci`nbuild" -Repository "$Org/app" -NoVault } }
        @{ Case = 'an organization token description with a line feed'; ErrorId = 'AccessTokenDescriptionInvalid'; Pattern = 'description cannot contain control characters.*line feed'
            Action = { New-HubOrgAccessToken $Org -Label 'ci' -Description "line 1`nline 2" -Repository "$Org/app" -NoVault } }
        @{ Case = 'an organization token description of 201 emoji'; ErrorId = 'AccessTokenDescriptionInvalid'; Pattern = 'at most 200 characters; this one has 201'
            Action = { New-HubOrgAccessToken $Org -Label 'ci' -Description ($Emoji * 201) -Repository "$Org/app" -NoVault } }
        @{ Case = 'a new organization token description with an escape'; ErrorId = 'AccessTokenDescriptionInvalid'; Pattern = 'escape \(U\+001B\)'
            Action = { Set-HubOrgAccessToken $Org -Id ([guid]::NewGuid()) -Description "$([char]27)[2J" } }
        @{ Case = 'a piped hashtable for an organization token'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'must be text; a hashtable'
            Action = { @{ Label = 'x' } | New-HubOrgAccessToken $Org -Repository "$Org/app" -NoVault } }
        @{ Case = 'an organization token expiring in one minute'; ErrorId = 'AccessTokenExpiryInvalid'; Pattern = 'shorter than 5 minutes'
            Action = { New-HubOrgAccessToken $Org -Label 'short' -Repository "$Org/app" -ExpiresIn (New-TimeSpan -Minutes 1) -NoVault } }
        @{ Case = 'an organization token with -ExpiresIn ([timespan]::MaxValue)'; ErrorId = 'AccessTokenExpiryInvalid'; Pattern = 'at most one year ahead'
            Action = { New-HubOrgAccessToken $Org -Label 'forever' -Repository "$Org/app" -ExpiresIn ([timespan]::MaxValue) -NoVault } }
        @{ Case = 'Remove-HubOrgAccessToken -Id ([guid]::Empty)'; ErrorId = 'ParameterArgumentTransformationError'; Pattern = 'empty GUID'
            Action = { Remove-HubOrgAccessToken $Org -Id ([guid]::Empty) -Confirm:$false } }
        @{ Case = "Get-HubOrgAccessToken -Label '[unclosed'"; ErrorId = 'ParameterArgumentValidationError'; Pattern = 'not a valid wildcard pattern'
            Action = { Get-HubOrgAccessToken $Org -Label '[unclosed' } }
    ) {
        $before = Get-ServerLabel

        $result = Invoke-Refused $Action

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $result.Errors[0].Exception.Message | Should -Match $Pattern
        $result.Output.Count | Should -Be 0
        $result.Requests.Count | Should -Be 0
        Get-ServerLabel | Should -Be $before
    }

    It 'counts characters as Hub does: a label of 100 emoji is created as it is' {
        $label = $Emoji * 100

        $result = Invoke-Refused { New-HubAccessToken -Label $label -NoVault }

        $result.Errors.Count | Should -Be 0
        $result.Output[0].Label | Should -BeExactly $label
        Get-ServerLabel | Should -Contain $label
    }

    It 'counts characters as Hub does for an organization token''s description: 200 emoji are accepted' {
        $description = $Emoji * 200

        $result = Invoke-Refused { New-HubOrgAccessToken $Org -Label 'emoji-description' -Description $description -Repository "$Org/app" -NoVault }

        $result.Errors.Count | Should -Be 0
        $result.Output[0].Label | Should -BeExactly 'emoji-description'
        @(Get-ServerOrgToken -Organization $Org | Where-Object label -EQ 'emoji-description').description | Should -BeExactly $description
    }

    It 'takes the Label of a piped object, and goes on past a piped hashtable' {
        $result = Invoke-Refused { 'piped-1', @{ Label = 'piped-hashtable' }, [pscustomobject]@{ Label = 'piped-2' } | New-HubAccessToken -NoVault }

        @($result.Output.Label) | Should -Be @('piped-1', 'piped-2')
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        @($result.Requests | Where-Object method -EQ 'POST').Count | Should -Be 2
        Get-ServerLabel | Should -Not -Contain 'piped-hashtable'
        Get-ServerLabel | Should -Not -Contain 'System.Collections.Hashtable'
    }

    It 'still completes a half-typed range in -Label with Tab, as text' {
        Add-TestToken -Username $Account.Username -Token @(@{ token_label = '[beta] build'; scopes = @('repo:read') }) | Out-Null
        $line = "Get-HubAccessToken -Label '[bet"

        $completions = [System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches

        # -Label takes wildcards, so the completion escapes the brackets of the label it offers.
        @($completions.CompletionText) | Should -Contain "'``[beta``] build'"
    }
}

Describe 'Sign-in input refused before any request' {
    It 'refuses an empty password with HubPasswordMissing' {
        $empty = [pscredential]::new($Account.Username, [securestring]::new())

        $result = Invoke-Refused { Connect-HubAccount -Credential $empty -HubUri $Hub }

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubPasswordMissing,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $result.Errors[0].Exception.Message | Should -Match 'empty password'
        $result.Requests.Count | Should -Be 0
    }

    It 'refuses a -HubUri with a user name and password, and repeats neither anywhere' {
        $withUserInfo = $Hub -replace '://', '://hubuser:s3cret-Pw@'

        $result = Invoke-Refused { Connect-HubAccount -Credential $Account.Credential -HubUri $withUserInfo }

        $result.Errors.Count | Should -Be 1
        $err = $result.Errors[0]
        $err.FullyQualifiedErrorId | Should -BeLike 'HubUriInvalid,*'
        $err.Exception.Message | Should -Match 'user name or password'
        foreach ($text in $err.Exception.Message, "$($err.TargetObject)", "$err", ($err | Format-List * -Force | Out-String)) {
            $text | Should -Not -Match 's3cret-Pw'
            $text | Should -Not -Match 'hubuser'
        }
        $result.Requests.Count | Should -Be 0
    }

    Context '[pscredential]::Empty, which functions pass on to mean "no credential"' {
        BeforeAll {
            $script:SavedUser = $env:DOCKER_HUB_USERNAME
            $script:SavedPassword = $env:DOCKER_HUB_PASSWORD
        }

        AfterAll {
            $env:DOCKER_HUB_USERNAME = $script:SavedUser
            $env:DOCKER_HUB_PASSWORD = $script:SavedPassword
        }

        It 'fails with HubCredentialMissing, not a NullReferenceException, where nothing else gives one' {
            $env:DOCKER_HUB_USERNAME = $null
            $env:DOCKER_HUB_PASSWORD = $null
            Clear-HubRequestLog

            $result = Invoke-InFreshPwsh -TimeoutSeconds 60 -ArgumentList $Hub {
                param($Hub)
                Connect-HubAccount -Credential ([pscredential]::Empty) -HubUri $Hub
            }

            $result.Terminated | Should -BeTrue
            @($result.Error).Count | Should -Be 1
            $result.Error[0].FullyQualifiedErrorId | Should -BeLike 'HubCredentialMissing,*'
            @(Get-HubRequestLog).Count | Should -Be 0
        }

        It 'signs in with the credential from the environment, as if -Credential were not given' {
            $env:DOCKER_HUB_USERNAME = $Account.Username
            $env:DOCKER_HUB_PASSWORD = $Account.Password

            $session = Connect-HubAccount -Credential ([pscredential]::Empty) -HubUri $Hub -PassThru

            $session.Username | Should -Be $Account.Username
        }
    }
}
